/**
 * Knowledge gaps, for administrators deciding which entries to write next: the questions Jardam
 * could not answer (`fallback`), answered without the asked detail (`detail`) or got a 👎 for
 * (`down`), grouped by similarity within each language.
 *
 * Similarity is term overlap after the engine's own analysis (folding, Latin letters to Cyrillic,
 * stopwords, stemming), so "skolko stoit patent v Moskve" and "Сколько стоит патент в Москве?"
 * are the same question. On top of that, terms one typo apart ("патэнт", "маскв") are merged into
 * their most frequent spelling before grouping, as the search's fuzzy matching would.
 *
 * Grouping is greedy single-pass clustering (oldest question first): a question joins the group
 * whose centroid (how many of its questions use each term) is closest by cosine similarity, if at
 * least GAP_SIMILARITY, else it starts a new group. The threshold is explained where it is defined.
 */
import { stringify } from 'csv-stringify/sync';
import { LANGS, type Lang } from '../types.js';
import type { QuestionReason, StoredQuestion } from '../store/types.js';
import { PLACEHOLDER_PATTERN } from '../privacy/redact.js';
import type { Engine } from '../engine/engine.js';

/**
 * A question's normalised terms in its language: `gapAnalyzer(engine)`, the engine's own analysis
 * (folding, Latin letters to Cyrillic, stopwords, stemming) without question words.
 */
export type Analyze = (text: string, lang: Lang) => readonly string[];

/**
 * Cosine similarity between a question's terms and a group's centroid needed to join the group.
 *
 * Why 0.5: questions here are short, two to five terms once stopwords and question words are gone.
 * Between two questions, 0.5 means sharing half their terms (1 of 2 and 1 of 2, 2 of 4 and 2 of 4);
 * 2 of 3 shared scores 0.67, 2 of 3 and 2 of 4 scores 0.58, while one shared word among three or
 * four ("патент в Москве" and "погода в Москве") scores 0.33–0.41. On the labelled sample in
 * tests/unit/gaps.test.ts (51 questions, ru/ky/fr, Latin letters and typos, 25 intended groups),
 * rewordings of one question scored 0.5–1 against each other in 47 of 52 pairs and different
 * questions sharing a word scored 0.22–0.41 in 32 of 33 pairs. Pairs put together, precision/recall:
 * 0.4 → 0.81/0.96, 0.45 → 0.89/0.92, 0.5 → 1.00/0.88, 0.55 → 1.00/0.83, 0.6 → 1.00/0.75.
 * An administrator reading a group should not find unrelated questions in it, so precision wins.
 */
export const GAP_SIMILARITY = 0.5;

/**
 * The engine's terms for a question, without the lexicon's `question_words` ("сколько", "канча",
 * "combien"): the stopwords keep them because the detail detector reads them, but they say
 * nothing about the subject; with them "сколько стоит патент" and "сколько стоит сим-карта" would
 * share half their terms.
 */
export function gapAnalyzer(engine: Pick<Engine, 'parts' | 'kb'>): Analyze {
  const { analyzer } = engine.parts;
  const ignored = Object.fromEntries(
    LANGS.map((lang) => [lang, new Set(engine.kb.lexicon.question_words[lang].flatMap((w) => analyzer.terms(w, lang)))]),
  ) as Record<Lang, Set<string>>;
  return (text, lang) => analyzer.terms(text, lang).filter((term) => !ignored[lang].has(term));
}

/** How many examples, and how many label terms, each group keeps. */
const MAX_EXAMPLES = 3;
const MAX_LABEL_TERMS = 5;
/** A label term must appear in at least this share of the group's questions. */
const LABEL_SHARE = 0.4;

export interface GapEntry {
  readonly entry: string;
  /** 👎 questions about this entry. */
  readonly down: number;
  /** Questions this entry answered without the asked detail (price, address, deadline…). */
  readonly detail: number;
}

export interface GapGroup {
  readonly lang: Lang;
  readonly count: number;
  readonly reasons: Readonly<Record<QuestionReason, number>>;
  /** Entries the 👎 and missing-detail questions were about, most named first. */
  readonly entries: readonly GapEntry[];
  /** The most frequent terms (stems), most frequent first: the group's label. Empty for questions with no words. */
  readonly terms: readonly string[];
  /** Up to three of the shortest distinct question texts (already redacted). */
  readonly examples: readonly string[];
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** The questions, oldest first, to look them all up. */
  readonly questionIds: readonly number[];
}

export interface GapOptions {
  /** Cosine similarity to join a group (default GAP_SIMILARITY). */
  readonly threshold?: number;
}

const REASONS: readonly QuestionReason[] = ['fallback', 'detail', 'down'];

interface Group {
  readonly members: StoredQuestion[];
  /** Term → how many members use it. */
  readonly centroid: Map<string, number>;
  /** The centroid's squared length, kept up to date. */
  squares: number;
}

/** Groups the unanswered and 👎 questions by similarity within each language, biggest group first. */
export function findGaps(questions: readonly StoredQuestion[], analyze: Analyze, options: GapOptions = {}): GapGroup[] {
  const threshold = options.threshold ?? GAP_SIMILARITY;
  const groups: GapGroup[] = [];
  for (const lang of LANGS) {
    const mine = questions
      .filter((q) => q.lang === lang && REASONS.includes(q.reason))
      .sort((a, b) => a.at - b.at || a.id - b.id);
    if (mine.length === 0) continue;
    const raw = mine.map((q) => termsOf(q.text, lang, analyze));
    const canonical = canonicalSpellings(raw);
    const termSets = raw.map((terms) => [...new Set(terms.map((t) => canonical.get(t) ?? t))]);

    const clusters: Group[] = [];
    const wordless: Group = newGroup();
    mine.forEach((question, i) => {
      const terms = termSets[i]!;
      if (terms.length === 0) return addTo(wordless, question, terms);
      let best: Group | undefined;
      let bestScore = 0;
      for (const group of clusters) {
        const score = cosine(terms, group);
        if (score > bestScore) [best, bestScore] = [group, score];
      }
      if (best && bestScore >= threshold) addTo(best, question, terms);
      else {
        const group = newGroup();
        addTo(group, question, terms);
        clusters.push(group);
      }
    });
    if (wordless.members.length > 0) clusters.push(wordless);
    for (const group of clusters) groups.push(summarise(lang, group));
  }
  return groups.sort(
    (a, b) => b.count - a.count || b.lastSeen - a.lastSeen || LANGS.indexOf(a.lang) - LANGS.indexOf(b.lang) || a.terms.join(' ').localeCompare(b.terms.join(' ')),
  );
}

/** Terms for grouping: placeholders and bare numbers (years, amounts) say nothing about the subject. */
function termsOf(text: string, lang: Lang, analyze: Analyze): string[] {
  return analyze(text.replace(PLACEHOLDER_PATTERN, ' '), lang).filter((t) => t.length > 0 && !/^\d+$/.test(t));
}

function newGroup(): Group {
  return { members: [], centroid: new Map(), squares: 0 };
}

function addTo(group: Group, question: StoredQuestion, terms: readonly string[]): void {
  group.members.push(question);
  for (const t of terms) {
    const n = group.centroid.get(t) ?? 0;
    group.centroid.set(t, n + 1);
    group.squares += 2 * n + 1; // (n + 1)² - n²
  }
}

/** Cosine between a question's term set (each term weighing 1) and a group's centroid. */
function cosine(terms: readonly string[], group: Group): number {
  if (terms.length === 0 || group.squares === 0) return 0;
  let dot = 0;
  for (const t of terms) dot += group.centroid.get(t) ?? 0;
  return dot / Math.sqrt(terms.length * group.squares);
}

/**
 * Maps every term to the most frequent spelling it is one typo from (two in long words), or that it
 * begins or is begun by (five letters at least): "патэнт" → "патент", "маскв" → "москв".
 * Canonical spellings are never merged with each other, so there are no chains.
 */
function canonicalSpellings(termLists: readonly (readonly string[])[]): Map<string, string> {
  const frequency = new Map<string, number>();
  for (const terms of termLists) for (const t of new Set(terms)) frequency.set(t, (frequency.get(t) ?? 0) + 1);
  const ordered = [...frequency.keys()].sort((a, b) => frequency.get(b)! - frequency.get(a)! || b.length - a.length || a.localeCompare(b));
  const canonical = new Map<string, string>();
  /** Canonical spellings by first letter (typos rarely hit the first letter; prefixes never do). */
  const byInitial = new Map<string, string[]>();
  for (const term of ordered) {
    const initial = term[0] ?? '';
    const candidates = byInitial.get(initial) ?? [];
    const match = candidates.find((c) => sameWord(term, c));
    if (match) canonical.set(term, match);
    else {
      candidates.push(term);
      byInitial.set(initial, candidates);
    }
  }
  return canonical;
}

/** Terms close enough to be one word mistyped (the search's own fuzziness: 1 edit from 5 letters, 2 from 8). */
export function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  const shorter = Math.min(a.length, b.length);
  if (shorter < 5) return false;
  if (a.startsWith(b) || b.startsWith(a)) return true;
  const edits = shorter >= 8 ? 2 : 1;
  return Math.abs(a.length - b.length) <= edits && editDistance(a, b, edits) <= edits;
}

/** Optimal string alignment distance (substitution, insertion, deletion, swap of neighbours), stopping past `max`. */
function editDistance(a: string, b: string, max: number): number {
  const m = a.length;
  const n = b.length;
  let prev2: number[] = [];
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[n]!;
}

function summarise(lang: Lang, group: Group): GapGroup {
  const reasons: Record<QuestionReason, number> = { fallback: 0, detail: 0, down: 0 };
  const entries = new Map<string, { down: number; detail: number }>();
  for (const q of group.members) {
    reasons[q.reason]++;
    if (q.entry && (q.reason === 'down' || q.reason === 'detail')) {
      const slot = entries.get(q.entry) ?? { down: 0, detail: 0 };
      slot[q.reason]++;
      entries.set(q.entry, slot);
    }
  }
  const count = group.members.length;
  const minUses = Math.max(1, Math.ceil(count * LABEL_SHARE));
  const terms = [...group.centroid.entries()]
    .filter(([, n]) => n >= minUses)
    .sort(([a, n], [b, m]) => m - n || a.localeCompare(b))
    .slice(0, MAX_LABEL_TERMS)
    .map(([t]) => t);
  return {
    lang,
    count,
    reasons,
    entries: [...entries.entries()]
      .map(([entry, n]) => ({ entry, ...n }))
      .sort((a, b) => b.down + b.detail - (a.down + a.detail) || a.entry.localeCompare(b.entry)),
    terms,
    examples: examplesOf(group.members),
    firstSeen: group.members.reduce((min, q) => Math.min(min, q.at), Infinity),
    lastSeen: group.members.reduce((max, q) => Math.max(max, q.at), -Infinity),
    questionIds: group.members.map((q) => q.id),
  };
}

/** The shortest distinct texts (ignoring case, spacing and end punctuation), shortest first. */
function examplesOf(members: readonly StoredQuestion[]): string[] {
  const seen = new Map<string, string>();
  for (const q of members) {
    const text = q.text.trim().replace(/\s+/g, ' ');
    const key = text.toLocaleLowerCase().replace(/[\s?!.…]+$/u, '');
    if (text && !seen.has(key)) seen.set(key, text);
  }
  return [...seen.values()].sort((a, b) => a.length - b.length || a.localeCompare(b)).slice(0, MAX_EXAMPLES);
}

// ---------------------------------------------------------------- output

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const entriesText = (entries: readonly GapEntry[]): string =>
  entries.map((e) => `${e.entry} (${[e.down ? `${e.down} down` : '', e.detail ? `${e.detail} detail` : ''].filter(Boolean).join(', ')})`).join('; ');

/** A plain-text table for the command line: one line per group, then its entries and examples. */
export function formatGaps(groups: readonly GapGroup[], options: { limit?: number } = {}): string {
  if (groups.length === 0) return 'No unanswered or disliked questions.\n';
  const shown = groups.slice(0, options.limit ?? groups.length);
  const header = ['#', 'lang', 'count', 'fallback', 'detail', 'down', 'first seen', 'last seen', 'terms'];
  const rows = shown.map((g, i) => [
    String(i + 1),
    g.lang,
    String(g.count),
    String(g.reasons.fallback),
    String(g.reasons.detail),
    String(g.reasons.down),
    day(g.firstSeen),
    day(g.lastSeen),
    g.terms.join(' ') || '(no words)',
  ]);
  const numeric = new Set([0, 2, 3, 4, 5]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : numeric.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const indent = ' '.repeat(widths[0]! + 2);
  const out = [line(header), line(widths.map((w) => '-'.repeat(w)))];
  shown.forEach((g, i) => {
    out.push(line(rows[i]!));
    if (g.entries.length > 0) out.push(`${indent}entries: ${entriesText(g.entries)}`);
    for (const example of g.examples) out.push(`${indent}"${example}"`);
  });
  if (shown.length < groups.length) out.push(`… and ${groups.length - shown.length} more groups`);
  return `${out.join('\n')}\n`;
}

/**
 * A family's words opened in a spreadsheet must stay words: a cell starting with = + - @ would be
 * run as a formula, so it gets a leading apostrophe (shown by no spreadsheet, read by all).
 */
function inert(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** One row per group, for a spreadsheet. Dates are ISO days (UTC). */
export function gapsToCsv(groups: readonly GapGroup[]): string {
  const header = ['lang', 'count', 'fallback', 'detail', 'down', 'terms', 'entries', 'example_1', 'example_2', 'example_3', 'first_seen', 'last_seen'];
  const rows = groups.map((g) => [
    g.lang,
    g.count,
    g.reasons.fallback,
    g.reasons.detail,
    g.reasons.down,
    g.terms.join(' '),
    entriesText(g.entries),
    inert(g.examples[0] ?? ''),
    inert(g.examples[1] ?? ''),
    inert(g.examples[2] ?? ''),
    day(g.firstSeen),
    day(g.lastSeen),
  ]);
  return stringify([header, ...rows]);
}
