/**
 * From search hits to a decision: answer, clarify (2–3 options) or fallback. Confidence is a
 * logistic function of the hit's strength, how much of the message it explains and how far it
 * stands above the next topic; its weights and thresholds were tuned on tests/eval/dev.jsonl.
 */
import type { Entry } from '../kb/schema.js';
import type { EntryHit, SearchOutcome } from './search.js';

export const CALIBRATION = {
  bias: -3.2,
  logScore: 1.1,
  coverage: 3.0,
  closeness: -1.6,
  /** At or above: answer. */
  answer: 0.55,
  /** At or above (and below answer): ask which topic was meant. */
  clarify: 0.25,
  /** Options offered must score at least this share of the best. */
  optionShare: 0.45,
  maxOptions: 3,
} as const;

export interface Decision {
  readonly kind: 'answer' | 'clarify' | 'fallback';
  /** The entry to answer, or the options to offer, best first. */
  readonly entries: readonly string[];
  readonly confidence: number;
}

export function confidenceOf(best: EntryHit, next: EntryHit | undefined): number {
  const closeness = next ? next.score / best.score : 0;
  const z =
    CALIBRATION.bias +
    CALIBRATION.logScore * Math.log1p(best.score) +
    CALIBRATION.coverage * best.coverage +
    CALIBRATION.closeness * closeness;
  return 1 / (1 + Math.exp(-z));
}

export function decide(outcome: SearchOutcome, entries: ReadonlyMap<string, Entry>): Decision {
  // Country variants of one question count as one candidate: the country context picks among them.
  const seen = new Set<string>();
  const candidates = outcome.hits.filter((hit) => {
    const key = entries.get(hit.entry)?.group ?? hit.entry;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const [best, next] = candidates;
  if (!best) return { kind: 'fallback', entries: [], confidence: 0 };
  const confidence = confidenceOf(best, next);
  if (confidence >= CALIBRATION.answer) return { kind: 'answer', entries: [best.entry], confidence };
  if (confidence >= CALIBRATION.clarify) {
    const options = candidates
      .filter((hit) => hit.score >= CALIBRATION.optionShare * best.score)
      .slice(0, CALIBRATION.maxOptions)
      .map((hit) => hit.entry);
    return { kind: 'clarify', entries: options, confidence };
  }
  return { kind: 'fallback', entries: [], confidence };
}
