/**
 * Grid search for the decision weights on an evaluation set: keeps the calibration with the best
 * lowest per-language top-1, then the best out-of-scope rejection, never missing an emergency.
 * Search results are memoised, so each candidate only re-runs the cheap decision step.
 */
import { Engine, buildParts } from '../engine/engine.js';
import { CALIBRATION, type Calibration } from '../engine/decide.js';
import type { KnowledgeSearch, SearchOutcome } from '../engine/search.js';
import type { KnowledgeBase } from '../kb/load.js';
import { LANGS } from '../types.js';
import { scoreEvalSet, value, type EvalItem } from './score.js';

export const TUNING_GRID = {
  bias: [-4.2, -3.7, -3.2, -2.7],
  logScore: [0.8, 1.2, 1.6],
  coverage: [2, 3, 4, 5],
  closeness: [-3, -2, -1],
  answer: [0.35, 0.45, 0.55],
  clarify: [0.15, 0.2, 0.3],
} as const;

export interface TuningResult {
  readonly calibration: Calibration;
  readonly minTop1: number;
  readonly outOfScope: number;
  readonly tried: number;
}

function memoised(search: KnowledgeSearch): KnowledgeSearch {
  const cache = new Map<string, SearchOutcome>();
  return {
    search(text, lang) {
      const key = `${lang}\u0000${text}`;
      let hit = cache.get(key);
      if (!hit) cache.set(key, (hit = search.search(text, lang)));
      return hit;
    },
  };
}

export function tune(kb: KnowledgeBase, items: readonly EvalItem[], grid = TUNING_GRID): TuningResult {
  const parts = buildParts(kb);
  const base = new Engine(kb, CALIBRATION, { ...parts, knowledge: memoised(parts.knowledge) });
  let best: TuningResult | undefined;
  let tried = 0;
  for (const bias of grid.bias)
    for (const logScore of grid.logScore)
      for (const coverage of grid.coverage)
        for (const closeness of grid.closeness)
          for (const answer of grid.answer)
            for (const clarify of grid.clarify) {
              if (clarify >= answer) continue;
              const calibration = { ...CALIBRATION, bias, logScore, coverage, closeness, answer, clarify };
              const report = scoreEvalSet(base.withCalibration(calibration), items);
              tried++;
              if (value(report.all.emergencyRecall) < 1) continue;
              const minTop1 = Math.min(...LANGS.map((l) => value(report.byLang[l].top1)));
              const outOfScope = value(report.all.outOfScope);
              // Top-1 first; out-of-scope rejection breaks ties within half a point.
              const better = !best || minTop1 > best.minTop1 + 0.005 || (Math.abs(minTop1 - best.minTop1) <= 0.005 && outOfScope > best.outOfScope);
              if (better) best = { calibration, minTop1, outOfScope, tried };
            }
  return { ...best!, tried };
}
