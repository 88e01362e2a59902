/**
 * Which practical detail a question asks for (a price, an address, opening hours, a phone
 * number, a deadline). The documents rarely give these; when the chosen entry does not, the
 * engine says so honestly instead of answering a near miss.
 */
import { DETAIL_KINDS, type DetailKind, type Lexicon } from '../kb/schema.js';
import type { Analyzer } from './analyze.js';
import { createCueMatcher, type CueMatcher } from './cues.js';
import { compilePattern, patternMatches, wordMatches, type Pattern } from './prefix-match.js';
import { LANGS, type Lang } from '../types.js';

export interface DetailDetector {
  /** The details asked for, in the catalogue's order; empty for most questions. */
  detect(text: string): DetailKind[];
  /**
   * The message without the words that ask for these details, as `lang` reads it: "сколько стоит
   * патент" is searched as "патент", so the topic decides the entry, not the words about money.
   */
  strip(text: string, lang: Lang, kinds: readonly DetailKind[]): string;
}

export function createDetailDetector(lexicon: Pick<Lexicon, 'details' | 'not_details'>, analyzer: Analyzer): DetailDetector {
  const matchers = DETAIL_KINDS.map((kind): [DetailKind, CueMatcher, CueMatcher] => [
    kind,
    createCueMatcher(lexicon.details[kind], analyzer),
    createCueMatcher(lexicon.not_details[kind] ?? {}, analyzer),
  ]);
  const patterns = new Map<DetailKind, Pattern[]>(
    DETAIL_KINDS.map((kind) => [kind, LANGS.flatMap((l) => lexicon.details[kind][l].flatMap((cue) => LANGS.map((as) => compilePattern(cue, (t) => analyzer.tokens(t, as)))))]),
  );
  return {
    detect: (text) => matchers.filter(([, asks, doesNot]) => asks.matches(text) && !doesNot.matches(text)).map(([kind]) => kind),
    strip(text, lang, kinds) {
      const tokens = analyzer.tokens(text, lang);
      // Only the words of cues that really match this message are dropped.
      const matched = kinds.flatMap((k) => patterns.get(k) ?? []).filter((p) => patternMatches(p, tokens));
      return tokens.filter((token) => !matched.some((p) => p.some((w) => wordMatches(w, token)))).join(' ');
    },
  };
}
