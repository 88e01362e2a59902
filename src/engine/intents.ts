/**
 * Conversation intents (greeting, thanks, human…): a message is an intent when it is almost
 * entirely one of the intent's example phrasings, so "привет, как записать ребенка в школу"
 * stays a question while "привет" or "спасибо большое" is small talk.
 */
import { LANGS, type Lang } from '../types.js';
import type { Intent } from '../kb/schema.js';
import type { Analyzer } from './analyze.js';

export interface IntentMatch {
  readonly intent: string;
  /** For intents with values: the language asked for, or positive/negative feedback. */
  readonly value?: string;
  readonly score: number;
}

export interface IntentMatcher {
  match(text: string): IntentMatch | undefined;
}

interface Example {
  readonly intent: string;
  readonly value?: string;
  readonly lang: Lang;
  readonly stems: ReadonlySet<string>;
}

/** Share of the message that the example must explain, and of the example the message must contain. */
const MESSAGE_COVERAGE = 0.75;
const EXAMPLE_COVERAGE = 0.5;
/** Longer messages carry a question, even when they open with a greeting. */
const MAX_WORDS = 8;

export function createIntentMatcher(intents: Iterable<Intent>, analyzer: Analyzer): IntentMatcher {
  const stemsOf = (text: string, lang: Lang) => new Set(analyzer.tokens(text, lang).map((t) => analyzer.stem(t, lang)));
  const examples: Example[] = [];
  for (const intent of intents) {
    if (intent.id === 'emergency') continue; // the safety check owns it
    const groups: [string | undefined, Record<Lang, string[]>][] = [];
    if (intent.examples) groups.push([undefined, intent.examples]);
    for (const [value, byLang] of Object.entries(intent.values ?? {})) groups.push([value, byLang]);
    for (const [value, byLang] of groups) {
      for (const lang of LANGS) {
        for (const text of byLang[lang]) {
          const stems = stemsOf(text, lang);
          if (stems.size > 0) examples.push({ intent: intent.id, lang, stems, ...(value ? { value } : {}) });
        }
      }
    }
  }

  return {
    match(text) {
      const readings = Object.fromEntries(LANGS.map((lang) => [lang, stemsOf(text, lang)])) as Record<Lang, Set<string>>;
      if (readings.ru.size === 0 || readings.ru.size > MAX_WORDS) return undefined;
      let best: IntentMatch | undefined;
      for (const example of examples) {
        const message = readings[example.lang];
        let shared = 0;
        for (const stem of message) if (hasSimilar(example.stems, stem)) shared++;
        const messageCoverage = shared / message.size;
        const exampleCoverage = shared / example.stems.size;
        if (messageCoverage < MESSAGE_COVERAGE || exampleCoverage < EXAMPLE_COVERAGE) continue;
        const score = (messageCoverage + exampleCoverage) / 2;
        if (!best || score > best.score) {
          best = { intent: example.intent, score, ...(example.value ? { value: example.value } : {}) };
        }
      }
      return best;
    },
  };
}

/** Same stem, or one typo in a word of five letters or more. */
function hasSimilar(stems: ReadonlySet<string>, stem: string): boolean {
  if (stems.has(stem)) return true;
  if (stem.length < 5) return false;
  for (const other of stems) if (Math.abs(other.length - stem.length) <= 1 && editDistanceAtMostOne(other, stem)) return true;
  return false;
}

function editDistanceAtMostOne(a: string, b: string): boolean {
  if (a.length > b.length) [a, b] = [b, a];
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1);
  return a.slice(i) === b.slice(i + 1);
}
