/** The development set's thresholds: top-1 ≥ 0.90 in every language, every emergency caught. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/kb/load.js';
import { failures, formatReport, readEvalSet, scoreEvalSet, value } from '../../src/eval/score.js';
import { realEngine } from '../helpers/kb.js';

describe('development evaluation set', () => {
  const items = readEvalSet(join(PROJECT_ROOT, 'tests/eval/dev.jsonl'));
  const report = scoreEvalSet(realEngine(), items);

  it('has at least 200 questions in all three languages', () => {
    expect(items.length).toBeGreaterThanOrEqual(200);
    for (const lang of ['fr', 'ru', 'ky'] as const) expect(items.filter((i) => i.lang === lang).length).toBeGreaterThan(50);
  });

  it('meets the thresholds', () => {
    console.log(formatReport(report));
    expect(failures(report)).toEqual([]);
  });

  it('catches every emergency', () => {
    const missed = report.misses.filter((m) => m.item.expect.kind === 'emergency').map((m) => m.item.text);
    expect(missed).toEqual([]);
    expect(value(report.all.emergencyRecall)).toBe(1);
  });
});
