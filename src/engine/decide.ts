/**
 * From search hits to a decision: answer, clarify (2–3 options) or fallback. Confidence is a
 * logistic function of the hit's strength, how much of the message it explains and how far it
 * stands above the next topic. Weights and thresholds were chosen by `jardam tune` (a grid search) on
 * tests/eval/dev.jsonl (lowest per-language top-1, then out-of-scope rejection); re-tune when the
 * knowledge base grows.
 */
import type { Entry } from '../kb/schema.js';
import type { EntryHit, SearchOutcome } from './search.js';

export interface Calibration {
  readonly bias: number;
  readonly logScore: number;
  readonly coverage: number;
  readonly closeness: number;
  readonly answer: number;
  readonly clarify: number;
  readonly optionShare: number;
  readonly maxOptions: number;
}

export const CALIBRATION: Calibration = {
  bias: -3.7,
  logScore: 1.2,
  coverage: 4,
  closeness: -2,
  /** At or above: answer. */
  answer: 0.35,
  /** At or above (and below answer): ask which topic was meant. */
  clarify: 0.3,
  /** Options offered must score at least this share of the best. */
  optionShare: 0.45,
  maxOptions: 3,
};

export interface Decision {
  readonly kind: 'answer' | 'clarify' | 'fallback';
  /** The entry to answer, or the options to offer, best first. */
  readonly entries: readonly string[];
  readonly confidence: number;
  /** The best-ranked entries found with their scores, whatever the decision (for cross-checks). */
  readonly candidates: readonly EntryHit[];
}

export function confidenceOf(best: EntryHit, next: EntryHit | undefined, c: Calibration = CALIBRATION): number {
  const closeness = next ? next.score / best.score : 0;
  const z =
    c.bias + c.logScore * Math.log1p(best.score) + c.coverage * best.coverage + c.closeness * closeness;
  return 1 / (1 + Math.exp(-z));
}

export function decide(outcome: SearchOutcome, entries: ReadonlyMap<string, Entry>, c: Calibration = CALIBRATION): Decision {
  // Country variants of one question count as one candidate: the country context picks among them.
  const seen = new Set<string>();
  const candidates = outcome.hits.filter((hit) => {
    const key = entries.get(hit.entry)?.group ?? hit.entry;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const [best, next] = candidates;
  const ranked = outcome.hits.slice(0, 5);
  if (!best) return { kind: 'fallback', entries: [], confidence: 0, candidates: ranked };
  const confidence = confidenceOf(best, next, c);
  if (confidence >= c.answer) return { kind: 'answer', entries: [best.entry], confidence, candidates: ranked };
  if (confidence >= c.clarify) {
    const options = candidates
      .filter((hit) => hit.score >= c.optionShare * best.score)
      .slice(0, c.maxOptions)
      .map((hit) => hit.entry);
    return { kind: 'clarify', entries: options, confidence, candidates: ranked };
  }
  return { kind: 'fallback', entries: [], confidence, candidates: ranked };
}
