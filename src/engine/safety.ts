/**
 * The emergency check, run before anything else on every message, whatever language it was
 * detected in. A message with an emergency cue is `urgent`; when it also reads as a question about
 * the law or services and names nobody of the writer's own, it is only `informational`, and the
 * engine may answer it from the knowledge base if it is sure of the entry.
 */
import type { Intent } from '../kb/schema.js';
import type { Analyzer } from './analyze.js';
import { createCueMatcher } from './cues.js';

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
  const level = (text: string): SafetyLevel => {
    if (!cues.matches(text)) return 'none';
    return about.matches(text) && !personal.matches(text) ? 'informational' : 'urgent';
  };
  return { level, isEmergency: (text) => level(text) !== 'none' };
}
