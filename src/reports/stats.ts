/**
 * Usage statistics: counts only, never text or users. From the store's grouped counts
 * (TurnCount, FeedbackCount) to questions and outcome rates per topic, language, country, channel
 * and ISO week, plus the 👍 rate; printed as tables or written as long-form CSV for a spreadsheet
 * (e.g. the data collection on migrant children an NGO asks for).
 *
 * A question is a turn of kind answer, clarify, fallback or emergency. Intent turns (greetings,
 * thanks, menus, language changes) are counted separately and stay out of the rates.
 */
import { stringify } from 'csv-stringify/sync';
import { CHANNELS, LANGS, USER_COUNTRIES } from '../types.js';
import type { FeedbackCount, TurnCount } from '../store/types.js';

/** How a missing country (never given, never named) and a missing topic (fallbacks, intents) are shown. */
export const NO_COUNTRY = 'none';
export const NO_TOPIC = 'unknown';

export const QUESTION_KINDS = ['answer', 'clarify', 'fallback', 'emergency'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export const DIMENSIONS = ['topic', 'lang', 'country', 'channel', 'week'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface StatsRow {
  readonly dimension: Dimension | 'total';
  /** The topic, language, country, channel or week ("all" for the total). */
  readonly value: string;
  /** Turns of kind answer, clarify, fallback or emergency. */
  readonly questions: number;
  readonly kinds: Readonly<Record<QuestionKind, number>>;
  /** Each kind's share of the questions (0…1); null when there were no questions. */
  readonly rates: Readonly<Record<QuestionKind, number | null>>;
  /** Intent turns: greetings, thanks, menus. Not questions, not in the rates. */
  readonly intents: number;
  readonly up: number;
  readonly down: number;
  /** up / (up + down); null without feedback. */
  readonly upRate: number | null;
}

export interface Stats {
  readonly total: StatsRow;
  readonly by: Readonly<Record<Dimension, readonly StatsRow[]>>;
}

export { isoWeek } from '../store/week.js';

interface Tally {
  kinds: Record<QuestionKind, number>;
  intents: number;
  up: number;
  down: number;
}

const emptyTally = (): Tally => ({ kinds: { answer: 0, clarify: 0, fallback: 0, emergency: 0 }, intents: 0, up: 0, down: 0 });

type Keyed = Pick<TurnCount, 'week' | 'channel' | 'lang' | 'country' | 'topic'>;

function valueOf(row: Keyed, dimension: Dimension): string {
  switch (dimension) {
    case 'topic':
      return row.topic ?? NO_TOPIC;
    case 'country':
      return row.country ?? NO_COUNTRY;
    default:
      return row[dimension];
  }
}

/** Sums the store's counts per topic, language, country, channel and week. */
export function buildStats(turns: readonly TurnCount[], feedback: readonly FeedbackCount[]): Stats {
  const total = emptyTally();
  const tallies = Object.fromEntries(DIMENSIONS.map((d) => [d, new Map<string, Tally>()])) as Record<Dimension, Map<string, Tally>>;
  const each = (row: Keyed, add: (tally: Tally) => void) => {
    add(total);
    for (const dimension of DIMENSIONS) {
      const value = valueOf(row, dimension);
      const map = tallies[dimension];
      const tally = map.get(value) ?? emptyTally();
      map.set(value, tally);
      add(tally);
    }
  };
  for (const turn of turns) {
    each(turn, (t) => {
      if (turn.kind === 'intent') t.intents += turn.count;
      else t.kinds[turn.kind] += turn.count;
    });
  }
  for (const f of feedback) each(f, (t) => (t[f.value] += f.count));

  const by = {} as Record<Dimension, StatsRow[]>;
  for (const dimension of DIMENSIONS) {
    by[dimension] = [...tallies[dimension].entries()].map(([value, tally]) => rowOf(dimension, value, tally)).sort(orderFor(dimension));
  }
  return { total: rowOf('total', 'all', total), by };
}

function rowOf(dimension: StatsRow['dimension'], value: string, tally: Tally): StatsRow {
  const questions = QUESTION_KINDS.reduce((sum, kind) => sum + tally.kinds[kind], 0);
  const rate = (n: number) => (questions > 0 ? n / questions : null);
  const rated = tally.up + tally.down;
  return {
    dimension,
    value,
    questions,
    kinds: { ...tally.kinds },
    rates: { answer: rate(tally.kinds.answer), clarify: rate(tally.kinds.clarify), fallback: rate(tally.kinds.fallback), emergency: rate(tally.kinds.emergency) },
    intents: tally.intents,
    up: tally.up,
    down: tally.down,
    upRate: rated > 0 ? tally.up / rated : null,
  };
}

/** Languages, channels and countries in their usual order; weeks in time order; topics biggest first. Missing values last. */
function orderFor(dimension: Dimension): (a: StatsRow, b: StatsRow) => number {
  const fixed: Partial<Record<Dimension, readonly string[]>> = { lang: LANGS, channel: CHANNELS, country: [...USER_COUNTRIES, NO_COUNTRY] };
  const order = fixed[dimension];
  if (order) {
    const rank = (v: string) => (order.includes(v) ? order.indexOf(v) : order.length);
    return (a, b) => rank(a.value) - rank(b.value) || a.value.localeCompare(b.value);
  }
  if (dimension === 'week') return (a, b) => a.value.localeCompare(b.value);
  const missing = (r: StatsRow) => (r.value === NO_TOPIC ? 1 : 0);
  return (a, b) => missing(a) - missing(b) || b.questions - a.questions || b.intents - a.intents || a.value.localeCompare(b.value);
}

// ---------------------------------------------------------------- output

/** A share as a percentage with one decimal ("66.7"), or undefined. */
export function percent(rate: number | null): string | undefined {
  return rate === null ? undefined : (Math.round(rate * 1000) / 10).toFixed(1);
}

const TITLES: Record<Dimension, string> = { topic: 'By topic', lang: 'By language', country: 'By country', channel: 'By channel', week: 'By week' };
const HEADER = ['', 'questions', 'answer', 'clarify', 'fallback', 'emergency', 'other', 'up', 'down', 'up rate'];

function cells(row: StatsRow): string[] {
  const pct = (rate: number | null) => {
    const p = percent(rate);
    return p === undefined ? '-' : `${p}%`;
  };
  return [
    row.value,
    String(row.questions),
    ...QUESTION_KINDS.map((kind) => pct(row.rates[kind])),
    String(row.intents),
    String(row.up),
    String(row.down),
    pct(row.upRate),
  ];
}

function table(title: string, rows: readonly StatsRow[]): string {
  const body = rows.map(cells);
  const header = [title, ...HEADER.slice(1)];
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c]!.length)));
  const line = (r: readonly string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** Plain-text tables: the total, then one table per dimension. Rates are shares of the questions. */
export function formatStats(stats: Stats): string {
  const t = stats.total;
  const weeks = stats.by.week;
  const span = weeks.length > 0 ? `, ${weeks[0]!.value} to ${weeks[weeks.length - 1]!.value}` : '';
  const parts = [
    `Questions: ${t.questions}; other turns (greetings, thanks, menus): ${t.intents}${span}.`,
    'Rates are shares of the questions; "up rate" is 👍 / (👍 + 👎).',
    table('Total', [t]),
    ...DIMENSIONS.map((d) => table(TITLES[d], stats.by[d])),
  ];
  return `${parts.join('\n\n')}\n`;
}

export const CSV_COLUMNS = [
  'dimension', 'value', 'questions', 'answer', 'clarify', 'fallback', 'emergency', 'other_turns',
  'answer_pct', 'clarify_pct', 'fallback_pct', 'emergency_pct', 'up', 'down', 'up_pct',
] as const;

/**
 * Long form, one row per (dimension, value), the total first: filter on `dimension` in a
 * spreadsheet. Counts are kept next to the percentages (one decimal, empty when there is nothing
 * to divide by) so rows can be summed again.
 */
export function statsToCsv(stats: Stats): string {
  const rows = [stats.total, ...DIMENSIONS.flatMap((d) => stats.by[d])].map((r) => [
    r.dimension,
    r.value,
    r.questions,
    ...QUESTION_KINDS.map((kind) => r.kinds[kind]),
    r.intents,
    ...QUESTION_KINDS.map((kind) => percent(r.rates[kind]) ?? ''),
    r.up,
    r.down,
    percent(r.upRate) ?? '',
  ]);
  return stringify([[...CSV_COLUMNS], ...rows]);
}
