import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { buildStats, CSV_COLUMNS, formatStats, isoWeek, statsToCsv, type StatsRow } from '../../src/reports/stats.js';
import type { FeedbackCount, TurnCount } from '../../src/store/types.js';

const SCHOOL = 'school-enrollment-kz';
const HOTLINE = 'hotline-1899';

const turns: TurnCount[] = [
  { week: '2026-W47', channel: 'telegram', lang: 'ru', country: 'KZ', kind: 'answer', topic: SCHOOL, count: 6 },
  { week: '2026-W47', channel: 'telegram', lang: 'ru', country: 'KZ', kind: 'clarify', topic: SCHOOL, count: 2 },
  { week: '2026-W47', channel: 'whatsapp', lang: 'ky', country: 'KG', kind: 'fallback', topic: null, count: 3 },
  { week: '2026-W48', channel: 'whatsapp', lang: 'ky', country: 'KG', kind: 'answer', topic: HOTLINE, count: 4 },
  { week: '2026-W48', channel: 'web', lang: 'fr', country: null, kind: 'emergency', topic: null, count: 1 },
  { week: '2026-W48', channel: 'telegram', lang: 'ru', country: null, kind: 'intent', topic: null, count: 5 },
  { week: '2026-W48', channel: 'telegram', lang: 'ru', country: 'KZ', kind: 'answer', topic: SCHOOL, count: 4 },
];

const feedback: FeedbackCount[] = [
  { week: '2026-W47', channel: 'telegram', lang: 'ru', country: 'KZ', topic: SCHOOL, value: 'up', count: 3 },
  { week: '2026-W48', channel: 'telegram', lang: 'ru', country: 'KZ', topic: SCHOOL, value: 'down', count: 1 },
  { week: '2026-W48', channel: 'whatsapp', lang: 'ky', country: 'KG', topic: HOTLINE, value: 'up', count: 2 },
];

const stats = buildStats(turns, feedback);

/** [value, questions, answer, clarify, fallback, emergency, intents, up, down] */
type Expected = readonly [string, number, number, number, number, number, number, number, number];
const shape = (rows: readonly StatsRow[]): Expected[] =>
  rows.map((r) => [r.value, r.questions, r.kinds.answer, r.kinds.clarify, r.kinds.fallback, r.kinds.emergency, r.intents, r.up, r.down]);

describe('buildStats', () => {
  it('counts questions (not intents) and their outcomes overall', () => {
    expect(stats.total).toMatchObject({ dimension: 'total', value: 'all', questions: 20, intents: 5, up: 5, down: 1 });
    expect(stats.total.kinds).toEqual({ answer: 14, clarify: 2, fallback: 3, emergency: 1 });
    expect(stats.total.rates).toEqual({ answer: 0.7, clarify: 0.1, fallback: 0.15, emergency: 0.05 });
    expect(stats.total.upRate).toBeCloseTo(5 / 6);
  });

  it('breaks down by topic, biggest first, with the missing topic last as "unknown"', () => {
    expect(shape(stats.by.topic)).toEqual([
      [SCHOOL, 12, 10, 2, 0, 0, 0, 3, 1],
      [HOTLINE, 4, 4, 0, 0, 0, 0, 2, 0],
      ['unknown', 4, 0, 0, 3, 1, 5, 0, 0],
    ]);
    const [school, hotline, unknown] = stats.by.topic;
    expect(school!.rates.answer).toBeCloseTo(10 / 12);
    expect(school!.upRate).toBe(0.75);
    expect(hotline!.upRate).toBe(1);
    expect(unknown!.rates).toEqual({ answer: 0, clarify: 0, fallback: 0.75, emergency: 0.25 });
    expect(unknown!.upRate).toBeNull();
  });

  it('breaks down by language, country ("none" when unknown), channel and week, in their natural order', () => {
    expect(shape(stats.by.lang)).toEqual([
      ['fr', 1, 0, 0, 0, 1, 0, 0, 0],
      ['ru', 12, 10, 2, 0, 0, 5, 3, 1],
      ['ky', 7, 4, 0, 3, 0, 0, 2, 0],
    ]);
    expect(shape(stats.by.country)).toEqual([
      ['KZ', 12, 10, 2, 0, 0, 0, 3, 1],
      ['KG', 7, 4, 0, 3, 0, 0, 2, 0],
      ['none', 1, 0, 0, 0, 1, 5, 0, 0],
    ]);
    expect(shape(stats.by.channel)).toEqual([
      ['telegram', 12, 10, 2, 0, 0, 5, 3, 1],
      ['whatsapp', 7, 4, 0, 3, 0, 0, 2, 0],
      ['web', 1, 0, 0, 0, 1, 0, 0, 0],
    ]);
    expect(shape(stats.by.week)).toEqual([
      ['2026-W47', 11, 6, 2, 3, 0, 0, 3, 0],
      ['2026-W48', 9, 8, 0, 0, 1, 5, 2, 1],
    ]);
    expect(stats.by.week[1]!.upRate).toBeCloseTo(2 / 3);
  });

  it('has null rates where there is nothing to divide by', () => {
    const onlyIntents = buildStats([{ week: '2026-W01', channel: 'web', lang: 'fr', country: 'OTHER', kind: 'intent', topic: null, count: 2 }], []);
    expect(onlyIntents.total).toMatchObject({ questions: 0, intents: 2, upRate: null });
    expect(onlyIntents.total.rates).toEqual({ answer: null, clarify: null, fallback: null, emergency: null });
    const empty = buildStats([], []);
    expect(empty.total.questions).toBe(0);
    expect(empty.by.topic).toEqual([]);
    expect(formatStats(empty)).toContain('Questions: 0');
  });

  it('gives every dimension the same totals', () => {
    for (const rows of Object.values(stats.by)) {
      expect(rows.reduce((s, r) => s + r.questions, 0)).toBe(20);
      expect(rows.reduce((s, r) => s + r.intents, 0)).toBe(5);
      expect(rows.reduce((s, r) => s + r.up + r.down, 0)).toBe(6);
    }
  });
});

describe('isoWeek', () => {
  const at = (iso: string) => isoWeek(Date.parse(iso));
  it('follows the ISO-8601 rules at year boundaries', () => {
    expect(at('2024-12-30T00:00:00Z')).toBe('2025-W01'); // Monday of the week holding 2 January 2025, a Thursday
    expect(at('2021-01-03T12:00:00Z')).toBe('2020-W53'); // Sunday ending 2020's 53rd week
    expect(at('2021-01-04T00:00:00Z')).toBe('2021-W01');
    expect(at('2026-11-24T10:00:00Z')).toBe('2026-W48');
    expect(at('2026-01-01T00:00:00Z')).toBe('2026-W01'); // a Thursday
    expect(at('2027-01-01T00:00:00Z')).toBe('2026-W53'); // 2026 starts on a Thursday: 53 weeks
    expect(at('2027-01-04T00:00:00Z')).toBe('2027-W01');
    expect(at('2008-12-29T00:00:00Z')).toBe('2009-W01');
    expect(at('2010-01-03T23:59:59Z')).toBe('2009-W53');
    expect(at('2023-01-01T00:00:00Z')).toBe('2022-W52');
  });

  it('turns over at Monday 00:00 UTC', () => {
    expect(at('2026-11-29T23:59:59.999Z')).toBe('2026-W48');
    expect(at('2026-11-30T00:00:00Z')).toBe('2026-W49');
  });

  it('changes week exactly on Mondays, by one, from week 1 after week 52 or 53', () => {
    const DAY = 86_400_000;
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1) / DAY, max: Date.UTC(2100, 0, 1) / DAY }), fc.integer({ min: 0, max: DAY - 1 }), (day, time) => {
        const today = isoWeek(day * DAY + time);
        const tomorrow = isoWeek((day + 1) * DAY + time);
        const [y, w] = today.split('-W').map(Number) as [number, number];
        const [ny, nw] = tomorrow.split('-W').map(Number) as [number, number];
        expect(w).toBeGreaterThanOrEqual(1);
        expect(w).toBeLessThanOrEqual(53);
        if (new Date((day + 1) * DAY).getUTCDay() !== 1) expect(tomorrow).toBe(today);
        else if (nw === 1) expect([ny, w >= 52]).toEqual([y + 1, true]);
        else expect([ny, nw]).toEqual([y, w + 1]);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('formatStats and statsToCsv', () => {
  it('prints one table per dimension with English headings and one-decimal percentages', () => {
    const text = formatStats(stats);
    expect(text).toContain('Questions: 20; other turns (greetings, thanks, menus): 5, 2026-W47 to 2026-W48.');
    for (const title of ['Total', 'By topic', 'By language', 'By country', 'By channel', 'By week']) expect(text).toMatch(new RegExp(`^${title}\\s+questions\\s+answer\\s+clarify\\s+fallback\\s+emergency\\s+other\\s+up\\s+down\\s+up rate$`, 'm'));
    expect(text).toMatch(/^all\s+20\s+70\.0%\s+10\.0%\s+15\.0%\s+5\.0%\s+5\s+5\s+1\s+83\.3%$/m);
    expect(text).toMatch(/^school-enrollment-kz\s+12\s+83\.3%\s+16\.7%\s+0\.0%\s+0\.0%\s+0\s+3\s+1\s+75\.0%$/m);
    expect(text).toMatch(/^unknown\s+4\s+0\.0%\s+0\.0%\s+75\.0%\s+25\.0%\s+5\s+0\s+0\s+-$/m);
    expect(text).toMatch(/^none\s+1\s+0\.0%\s+0\.0%\s+0\.0%\s+100\.0%\s+5\s+0\s+0\s+-$/m);
    expect(text).toMatch(/^2026-W47\s+11\s+54\.5%\s+18\.2%\s+27\.3%\s+0\.0%\s+0\s+3\s+0\s+100\.0%$/m);
  });

  it('writes long-form CSV that parses back with the header and numbers', () => {
    const csv = statsToCsv(stats);
    const [header] = parse(csv, { to_line: 1 }) as string[][];
    expect(header).toEqual([...CSV_COLUMNS]);
    const rows: Record<string, string>[] = parse(csv, { columns: true, cast: true });
    // total + 3 topics + 3 languages + 3 countries + 3 channels + 2 weeks
    expect(rows).toHaveLength(15);
    expect(rows[0]).toEqual({
      dimension: 'total', value: 'all', questions: 20, answer: 14, clarify: 2, fallback: 3, emergency: 1, other_turns: 5,
      answer_pct: 70, clarify_pct: 10, fallback_pct: 15, emergency_pct: 5, up: 5, down: 1, up_pct: 83.3,
    });
    const row = (dimension: string, value: string) => rows.find((r) => r['dimension'] === dimension && r['value'] === value);
    expect(row('topic', 'unknown')).toMatchObject({ questions: 4, fallback_pct: 75, emergency_pct: 25, up_pct: '' });
    expect(row('country', 'none')).toMatchObject({ questions: 1, other_turns: 5, emergency_pct: 100 });
    expect(row('week', '2026-W48')).toMatchObject({ questions: 9, answer_pct: 88.9, up: 2, down: 1, up_pct: 66.7 });
    expect(row('lang', 'ky')).toMatchObject({ answer_pct: 57.1, fallback_pct: 42.9 });
    for (const dimension of ['topic', 'lang', 'country', 'channel', 'week']) {
      expect(rows.filter((r) => r['dimension'] === dimension).reduce((s, r) => s + Number(r['questions']), 0)).toBe(20);
    }
  });
});
