/**
 * The emergency check, run before anything else on every message, whatever language it was
 * detected in: a Russian cue in a Kyrgyz sentence, or Kyrgyz typed in Latin letters, still counts.
 */
import { LANGS } from '../types.js';
import type { Intent } from '../kb/schema.js';
import type { Analyzer } from './analyze.js';
import { compilePattern, patternMatches, type Pattern } from './prefix-match.js';

export interface SafetyCheck {
  isEmergency(text: string): boolean;
}

export function createSafetyCheck(emergency: Intent, analyzer: Analyzer): SafetyCheck {
  const unique = new Map<string, Pattern>();
  for (const lang of LANGS) {
    for (const cue of emergency.cues?.[lang] ?? []) {
      // Each cue is compiled as each language would read it, so a Latin-letter cue meets Latin-letter text.
      for (const as of LANGS) {
        const pattern = compilePattern(cue, (t) => analyzer.tokens(t, as));
        unique.set(pattern.join(' '), pattern);
      }
    }
  }
  const patterns = [...unique.values()];
  return {
    isEmergency(text) {
      const readings = LANGS.map((lang) => analyzer.tokens(text, lang));
      return patterns.some((p) => readings.some((tokens) => patternMatches(p, tokens)));
    },
  };
}
