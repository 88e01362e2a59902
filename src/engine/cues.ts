/**
 * A set of word-prefix cues written in three languages, compiled as each language would read
 * them: a Russian cue in a Kyrgyz sentence, or a cue met in Latin-letter text, still counts.
 */
import { LANGS, type PerLang } from '../types.js';
import type { Analyzer } from './analyze.js';
import { compilePattern, patternMatches, type Pattern } from './prefix-match.js';

export interface CueMatcher {
  matches(text: string): boolean;
}

export function createCueMatcher(cues: Partial<PerLang<readonly string[]>>, analyzer: Analyzer): CueMatcher {
  const unique = new Map<string, Pattern>();
  for (const lang of LANGS) {
    for (const cue of cues[lang] ?? []) {
      for (const as of LANGS) {
        const pattern = compilePattern(cue, (t) => analyzer.tokens(t, as));
        unique.set(pattern.join(' '), pattern);
      }
    }
  }
  const patterns = [...unique.values()];
  return {
    matches(text) {
      const readings = LANGS.map((lang) => analyzer.tokens(text, lang));
      return patterns.some((p) => readings.some((tokens) => patternMatches(p, tokens)));
    },
  };
}
