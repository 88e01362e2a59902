/**
 * Conversation intents (greeting, thanks, human…). A message is an intent when nearly all of its
 * words belong to that intent's vocabulary (the words of its example phrasings), so
 * "спасибо большое, вы очень помогли" is thanks while "привет, как записать ребенка в школу"
 * stays a question. Stopwords outside every intent's vocabulary are ignored.
 */
import { LANGS, type Lang } from '../types.js';
import type { Intent } from '../kb/schema.js';
import type { Analyzer } from './analyze.js';

export interface IntentMatch {
  readonly intent: string;
  /** For intents with values: the language asked for, or positive/negative feedback. */
  readonly value?: string;
  /** Share of the message's words the intent explains (0…1). */
  readonly score: number;
  /** Similarity (Jaccard) to the intent's closest example phrasing (0…1). */
  readonly closeness: number;
}

export interface IntentMatcher {
  match(text: string): IntentMatch | undefined;
}

/** Share of the message's words an intent must explain. */
const MIN_COVERAGE = 0.66;
/** Messages with more content words carry a question, even when they open with a greeting. */
const MAX_WORDS = 8;
/** When two intents explain a message equally well ("спасибо, пока"), the more actionable wins. */
const PRECEDENCE = ['human', 'change-language', 'feedback', 'help', 'goodbye', 'thanks', 'greeting'];

interface Vocabulary {
  readonly intent: string;
  readonly value?: string;
  readonly stems: Record<Lang, Set<string>>;
  /** The same stems by length, for the typo check. */
  readonly byLength: Record<Lang, Map<number, string[]>>;
  /** Each example's stems, to prefer the intent with a phrasing closest to the message. */
  readonly examples: Record<Lang, Set<string>[]>;
}

export function createIntentMatcher(intents: Iterable<Intent>, analyzer: Analyzer): IntentMatcher {
  const stemsOf = (text: string, lang: Lang) => analyzer.tokens(text, lang).map((t) => analyzer.stem(t, lang));
  const vocabularies: Vocabulary[] = [];
  for (const intent of intents) {
    if (intent.id === 'emergency') continue; // the safety check owns it
    const groups: [string | undefined, Record<Lang, string[]>][] = [];
    if (intent.examples) groups.push([undefined, intent.examples]);
    for (const [value, byLang] of Object.entries(intent.values ?? {})) groups.push([value, byLang]);
    for (const [value, byLang] of groups) {
      const stems = { fr: new Set<string>(), ru: new Set<string>(), ky: new Set<string>() };
      const examples: Record<Lang, Set<string>[]> = { fr: [], ru: [], ky: [] };
      // Every language's examples feed every reading: "спасибо" is said in Kyrgyz too.
      for (const lang of LANGS) {
        for (const text of byLang[lang]) {
          for (const as of LANGS) {
            const exampleStems = new Set(stemsOf(text, as));
            exampleStems.forEach((s) => stems[as].add(s));
            examples[as].push(exampleStems);
          }
        }
      }
      const byLength = { fr: new Map<number, string[]>(), ru: new Map<number, string[]>(), ky: new Map<number, string[]>() };
      for (const lang of LANGS) {
        for (const s of stems[lang]) {
          const same = byLength[lang].get(s.length);
          if (same) same.push(s);
          else byLength[lang].set(s.length, [s]);
        }
      }
      vocabularies.push({ intent: intent.id, stems, byLength, examples, ...(value ? { value } : {}) });
    }
  }

  return {
    match(text) {
      let best: IntentMatch | undefined;
      for (const lang of LANGS) {
        const words = analyzer.tokens(text, lang).map((t) => ({ t, s: analyzer.stem(t, lang), stop: analyzer.isStopword(t, lang) }));
        // The same for every intent: a message with many content words is a question.
        const contentWords = words.filter(({ stop }) => !stop).length;
        if (contentWords > MAX_WORDS) continue;
        for (const v of vocabularies) {
          // Stopwords this intent does not use ("и", "de", "votre") neither help nor hurt.
          const stems = words.filter(({ s, stop }) => v.stems[lang].has(s) || !stop).map(({ s }) => s);
          if (stems.length === 0) continue;
          const hits = stems.filter((s) => hasSimilar(v.stems[lang], v.byLength[lang], s)).length;
          const score = hits / stems.length;
          if (score < MIN_COVERAGE || hits === 0) continue;
          const closeness = Math.max(...v.examples[lang].map((e) => jaccard(e, stems)));
          const better =
            !best ||
            score > best.score ||
            (score === best.score && closeness > best.closeness) ||
            (score === best.score && closeness === best.closeness && rank(v.intent) < rank(best.intent));
          if (better) best = { intent: v.intent, score, closeness, ...(v.value ? { value: v.value } : {}) };
        }
      }
      return best;
    },
  };
}

function rank(intent: string): number {
  const i = PRECEDENCE.indexOf(intent);
  return i < 0 ? PRECEDENCE.length : i;
}

/** Same stem, or one typo in a word of five letters or more. */
function hasSimilar(stems: ReadonlySet<string>, byLength: ReadonlyMap<number, readonly string[]>, stem: string): boolean {
  if (stems.has(stem)) return true;
  if (stem.length < 5) return false;
  for (let length = stem.length - 1; length <= stem.length + 1; length++) {
    for (const other of byLength.get(length) ?? []) if (editDistanceAtMostOne(other, stem)) return true;
  }
  return false;
}

/** For strings whose lengths differ by at most one. */
function editDistanceAtMostOne(a: string, b: string): boolean {
  if (a.length > b.length) [a, b] = [b, a];
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  // Equal lengths: one substitution at i; otherwise one insertion in `a` at i.
  const shift = a.length === b.length ? 0 : 1;
  for (let j = a.length === b.length ? i + 1 : i; j < a.length; j++) if (a[j] !== b[j + shift]) return false;
  return true;
}

function jaccard(example: ReadonlySet<string>, stems: readonly string[]): number {
  const message = new Set(stems);
  let shared = 0;
  for (const s of message) if (example.has(s)) shared++;
  return shared / (example.size + message.size - shared);
}
