/**
 * The emergency check, run before anything else on every message, whatever language it was
 * detected in. A message with an emergency cue is `urgent`; it is only `informational` (the engine
 * may answer it from the knowledge base if it is sure of the entry, and gives the emergency reply
 * otherwise) when
 * - it reads as a question about the law or services and names nobody of the writer's own, or
 * - it tells of a danger that is over: a time long gone ("два года назад", "l'an dernier"), a word
 *   that it has ended ("в разводе", "elle est revenue", "азыр баары жакшы") and no word of danger
 *   now ("опять", "peur", "коркутат", "бьет").
 * Figures of speech ("убить время", "frapper à la porte", "ток урат") are no cue at all.
 */
import type { Intent } from '../kb/schema.js';
import type { Analyzer } from './analyze.js';
import { createCueMatcher, createPhraseMatcher, readingsOf } from './cues.js';

export type SafetyLevel = 'none' | 'informational' | 'urgent';

export interface SafetyCheck {
  level(text: string): SafetyLevel;
  /** True for any message with an emergency cue (urgent or informational). */
  isEmergency(text: string): boolean;
}

export function createSafetyCheck(emergency: Intent, analyzer: Analyzer): SafetyCheck {
  const cues = createCueMatcher(emergency.cues ?? {}, analyzer);
  const about = createCueMatcher(emergency.informational?.cues ?? {}, analyzer);
  const personal = createCueMatcher(emergency.informational?.personal ?? {}, analyzer);
  // The word lists live in intents/emergency.yaml, where linguists edit them.
  const none = { fr: [], ru: [], ky: [] };
  const figurative = createPhraseMatcher(emergency.figurative ?? none, analyzer);
  const longAgo = createPhraseMatcher(emergency.past?.long_ago ?? none, analyzer);
  const over = createCueMatcher(emergency.past?.over ?? none, analyzer);
  const still = createCueMatcher(emergency.past?.still ?? none, analyzer);
  const level = (text: string): SafetyLevel => {
    const readings = readingsOf(text, analyzer);
    // Most messages have no cue at all: only those that do are read again without figures of speech.
    if (!cues.matchesReadings(readings) || !cues.matchesReadings(figurative.strip(readings))) return 'none';
    if (about.matchesReadings(readings) && !personal.matchesReadings(readings)) return 'informational';
    if (emergency.past && longAgo.found(readings) && over.matchesReadings(readings) && !still.matchesReadings(readings)) return 'informational';
    return 'urgent';
  };
  return { level, isEmergency: (text) => level(text) !== 'none' };
}
