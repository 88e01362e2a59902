import { describe, expect, it } from 'vitest';
import { CALIBRATION, confidenceOf, decide } from '../../src/engine/decide.js';
import { realEngine } from '../helpers/kb.js';

const engine = realEngine();
const entries = engine.kb.entries;

describe('decision and confidence', () => {
  it('grows with the hit strength and its coverage, and falls when a second topic is close', () => {
    const strong = confidenceOf({ entry: 'a', score: 30, coverage: 1 }, undefined);
    expect(confidenceOf({ entry: 'a', score: 5, coverage: 1 }, undefined)).toBeLessThan(strong);
    expect(confidenceOf({ entry: 'a', score: 30, coverage: 0.3 }, undefined)).toBeLessThan(strong);
    expect(confidenceOf({ entry: 'a', score: 30, coverage: 1 }, { entry: 'b', score: 29, coverage: 1 })).toBeLessThan(strong);
  });

  it('answers a clear hit, clarifies between close topics, falls back on weak ones', () => {
    // Fixed weights, so the test checks the mechanics, not the values the tuner chose.
    const c = { ...CALIBRATION, bias: -3.2, logScore: 1.2, coverage: 3, closeness: -2, answer: 0.35, clarify: 0.2 };
    expect(decide({ hits: [{ entry: 'hotline-111', score: 40, coverage: 1 }], termCount: 3 }, entries, c).kind).toBe('answer');
    const close = decide(
      {
        hits: [
          { entry: 'hotline-111', score: 6, coverage: 0.5 },
          { entry: 'hotline-1899', score: 5.8, coverage: 0.5 },
          { entry: 'legal-aid-kz', score: 5, coverage: 0.5 },
        ],
        termCount: 4,
      },
      entries,
      c,
    );
    expect(close.kind).toBe('clarify');
    expect(close.entries).toEqual(['hotline-111', 'hotline-1899', 'legal-aid-kz']);
    expect(decide({ hits: [{ entry: 'hotline-111', score: 0.5, coverage: 0.2 }], termCount: 5 }, entries, c).kind).toBe('fallback');
    expect(decide({ hits: [], termCount: 0 }, entries, c)).toEqual({ kind: 'fallback', entries: [], confidence: 0, candidates: [] });
  });

  it('counts country variants of one question as one candidate', () => {
    const d = decide(
      {
        hits: [
          { entry: 'birth-registration-kz', score: 12, coverage: 1 },
          { entry: 'birth-registration-kg', score: 11.9, coverage: 1 },
        ],
        termCount: 2,
      },
      entries,
    );
    expect(d.kind).toBe('answer');
    expect(d.confidence).toBeGreaterThanOrEqual(CALIBRATION.answer);
  });
});

describe('knowledge search', () => {
  it('ranks the entry whose way of asking matches, in each language', () => {
    expect(engine.parts.knowledge.search('телефон 111 бесплатный круглосуточно', 'ru').hits[0]?.entry).toBe('hotline-111');
    expect(engine.parts.knowledge.search('permis de travail kirghizistan etranger', 'fr').hits[0]?.entry).toMatch(/^work-permit-/);
    expect(engine.parts.knowledge.search('акысыз адвокат', 'ky').hits[0]?.entry).toMatch(/^legal-aid-/);
  });
  it('has nothing to search in a message of stopwords only', () => {
    expect(engine.parts.knowledge.search('как и где', 'ru')).toEqual({ hits: [], termCount: 0 });
  });
});
