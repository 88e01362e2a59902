/**
 * A set of word-prefix cues written in three languages, compiled as each language would read
 * them: a Russian cue in a Kyrgyz sentence, or a cue met in Latin-letter text, still counts.
 */
import { LANGS, type Lang, type PerLang } from '../types.js';
import type { Analyzer } from './analyze.js';
import { compilePattern, patternMatches, WHOLE_WORD_MAX, wordMatches, type Pattern } from './prefix-match.js';

/** A message read as each language would read it (one token list per language, in LANGS order). */
export type Readings = readonly (readonly string[])[];

export function readingsOf(text: string, analyzer: Analyzer): string[][] {
  return LANGS.map((lang) => analyzer.tokens(text, lang));
}

export interface CueMatcher {
  matches(text: string): boolean;
  /** The same test on a message already read (see `readingsOf`), to read it once for several matchers. */
  matchesReadings(readings: Readings): boolean;
  /** The compiled cues (for tests: the index must find exactly what trying each one finds). */
  readonly patterns: readonly Pattern[];
}

export function createCueMatcher(cues: Partial<PerLang<readonly string[]>>, analyzer: Analyzer): CueMatcher {
  const patterns = compileAll(cues, (cue, tokenize) => compilePattern(cue, tokenize), analyzer);
  const candidates = indexByFirstWord(patterns);
  // Every message is checked, so cues are not tried one by one: only those whose first word the
  // message has are, found by looking up each word and each of its beginnings.
  const matchesReadings = (readings: Readings) => readings.some((tokens) => candidates(tokens).some((p) => patternMatches(p, tokens)));
  return {
    patterns,
    matchesReadings,
    matches: (text) => matchesReadings(readingsOf(text, analyzer)),
  };
}

/**
 * The patterns whose first word matches some token: whole words by the token; prefixes (longer
 * than WHOLE_WORD_MAX) by the token's first letters, then kept if the token begins with them.
 */
function indexByFirstWord(patterns: readonly Pattern[]): (tokens: readonly string[]) => Pattern[] {
  const whole = new Map<string, Pattern[]>();
  const prefix = new Map<string, Pattern[]>();
  const add = (map: Map<string, Pattern[]>, key: string, p: Pattern) => map.set(key, [...(map.get(key) ?? []), p]);
  const head = (word: string) => word.slice(0, WHOLE_WORD_MAX + 1);
  for (const p of patterns) {
    const first = p[0]!;
    if (first.startsWith('=')) add(whole, first.slice(1), p);
    else if (first.length <= WHOLE_WORD_MAX) add(whole, first, p);
    else add(prefix, head(first), p);
  }
  return (tokens) => {
    const found = new Set<Pattern>();
    for (const token of tokens) {
      for (const p of whole.get(token) ?? []) found.add(p);
      if (token.length > WHOLE_WORD_MAX) for (const p of prefix.get(head(token)) ?? []) if (token.startsWith(p[0]!)) found.add(p);
    }
    return [...found];
  };
}

/**
 * Phrases: unlike cues, their words must follow one another in the message ("il y a * ans",
 * "убить время"); "*" stands for any one word, "=" and short words match whole as in cues, and a
 * word marked "~" must be there but is kept by `strip` ("frapp a la ~porte" leaves "porte" for the
 * cues about a door broken down).
 */
export interface PhraseMatcher {
  /** True when some reading holds one of the phrases. */
  found(readings: Readings): boolean;
  /** Each reading without the words of the phrases it holds (except words marked "~"). */
  strip(readings: Readings): string[][];
}

const ANY_WORD = '*';
const KEPT = '~';

export function createPhraseMatcher(phrases: Partial<PerLang<readonly string[]>>, analyzer: Analyzer): PhraseMatcher {
  const compilePhrase = (phrase: string, tokenize: (text: string) => string[]): Pattern =>
    phrase
      .trim()
      .split(/\s+/)
      .flatMap((word) => {
        if (word === ANY_WORD) return [ANY_WORD];
        const kept = word.startsWith(KEPT);
        return compilePattern(kept ? word.slice(KEPT.length) : word, tokenize).map((t) => (kept ? KEPT + t : t));
      });
  const patterns = compileAll(phrases, compilePhrase, analyzer);
  const matchesWord = (word: string, token: string) => word === ANY_WORD || wordMatches(word.startsWith(KEPT) ? word.slice(KEPT.length) : word, token);
  /** For each token of a reading: 'no' phrase, in a phrase and 'strip'ped, or in a phrase but 'kept'. */
  const covered = (tokens: readonly string[]): ('no' | 'strip' | 'kept')[] => {
    const marks = tokens.map((): 'no' | 'strip' | 'kept' => 'no');
    for (const p of patterns) {
      for (let start = 0; start + p.length <= tokens.length; start++) {
        if (!p.every((word, i) => matchesWord(word, tokens[start + i]!))) continue;
        p.forEach((word, i) => {
          if (!word.startsWith(KEPT)) marks[start + i] = 'strip';
          else if (marks[start + i] === 'no') marks[start + i] = 'kept';
        });
      }
    }
    return marks;
  };
  return {
    found: (readings) => readings.some((tokens) => covered(tokens).some((mark) => mark !== 'no')),
    strip: (readings) =>
      readings.map((tokens) => {
        const marks = covered(tokens);
        return tokens.filter((_, i) => marks[i] !== 'strip');
      }),
  };
}

/** Compiles every source of every language as each language would read it, without duplicates. */
function compileAll(
  sources: Partial<PerLang<readonly string[]>>,
  compile: (source: string, tokenize: (text: string) => string[]) => Pattern,
  analyzer: Analyzer,
): Pattern[] {
  const unique = new Map<string, Pattern>();
  for (const lang of LANGS) {
    for (const source of sources[lang] ?? []) {
      for (const as of readAs(lang)) {
        const pattern = compile(source, (t) => analyzer.tokens(t, as));
        if (pattern.length > 0) unique.set(pattern.join(' '), pattern);
      }
    }
  }
  return [...unique.values()];
}

/**
 * The languages a cue is read as. A Russian or Kyrgyz cue is read as both (Latin letters turn into
 * Cyrillic the way each language would write them); a French cue only as French: read as Russian or
 * Kyrgyz, "je" and "on" would become "же" (Kyrgyz "or") and "он" (Kyrgyz "ten").
 */
function readAs(lang: Lang): readonly Lang[] {
  return lang === 'fr' ? ['fr'] : ['ru', 'ky'];
}
