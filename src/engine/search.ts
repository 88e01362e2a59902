/**
 * Knowledge search with MiniSearch, one index per language. Every sample question, title and
 * answer is its own document, so a message is matched against the closest way people asked,
 * then documents are folded into entries (best document plus a little of the next ones).
 */
import MiniSearch, { type SearchResult } from 'minisearch';
import { LANGS, type Lang, type PerLang } from '../types.js';
import type { Entry } from '../kb/schema.js';
import type { Analyzer } from './analyze.js';

/** How much a match on each kind of text counts. Sample questions are how people ask. */
const FIELD_WEIGHT = { question: 1, title: 0.9, short: 0.7, answer: 0.35 } as const;
type DocKind = keyof typeof FIELD_WEIGHT;
/** Share of an entry's second and third best documents added to its best one. */
const SUPPORT_WEIGHT = 0.15;

interface Doc {
  readonly id: string;
  readonly entry: string;
  readonly kind: DocKind;
  readonly text: string;
}

export interface EntryHit {
  readonly entry: string;
  readonly score: number;
  /** Share of the message's terms found in the entry's best document (0…1). */
  readonly coverage: number;
}

export interface SearchOutcome {
  readonly hits: readonly EntryHit[];
  /** How many searchable terms the message had after stopwords. */
  readonly termCount: number;
}

export interface KnowledgeSearch {
  search(text: string, lang: Lang): SearchOutcome;
}

export function createKnowledgeSearch(entries: Iterable<Entry>, analyzer: Analyzer): KnowledgeSearch {
  const indexes = {} as PerLang<MiniSearch<Doc>>;
  const weights = new Map<string, number>();
  const list = [...entries];
  for (const lang of LANGS) {
    const index = new MiniSearch<Doc>({
      fields: ['text'],
      storeFields: ['entry', 'kind'],
      tokenize: (text) => analyzer.tokens(text, lang),
      processTerm: (term) => (analyzer.isStopword(term, lang) ? null : analyzer.stem(term, lang)),
      searchOptions: {
        combineWith: 'OR',
        // Typos: one edit in words of five letters or more, two in long words.
        fuzzy: (term) => (term.length >= 8 ? 0.25 : term.length >= 5 ? 0.2 : false),
        prefix: (term) => term.length >= 4,
        weights: { fuzzy: 0.6, prefix: 0.5 },
        boostDocument: (id) => weights.get(String(id)) ?? 1,
      },
    });
    const docs: Doc[] = [];
    for (const entry of list) {
      entry.questions[lang].forEach((q, i) => docs.push({ id: `${lang}:${entry.id}:q${i}`, entry: entry.id, kind: 'question', text: q }));
      docs.push({ id: `${lang}:${entry.id}:title`, entry: entry.id, kind: 'title', text: entry.title[lang] });
      docs.push({ id: `${lang}:${entry.id}:short`, entry: entry.id, kind: 'short', text: entry.short[lang] });
      docs.push({ id: `${lang}:${entry.id}:answer`, entry: entry.id, kind: 'answer', text: entry.answer[lang] });
    }
    for (const doc of docs) weights.set(doc.id, FIELD_WEIGHT[doc.kind]);
    index.addAll(docs);
    indexes[lang] = index;
  }

  return {
    search(text, lang) {
      const terms = new Set(analyzer.terms(text, lang));
      if (terms.size === 0) return { hits: [], termCount: 0 };
      const results = indexes[lang].search(text);
      return { hits: foldIntoEntries(results, terms.size), termCount: terms.size };
    },
  };
}

function foldIntoEntries(results: SearchResult[], termCount: number): EntryHit[] {
  const byEntry = new Map<string, { scores: number[]; coverage: number }>();
  for (const r of results) {
    const entry = r['entry'] as string;
    const slot = byEntry.get(entry) ?? { scores: [], coverage: 0 };
    if (slot.scores.length === 0) slot.coverage = Math.min(1, r.queryTerms.length / termCount);
    slot.scores.push(r.score);
    byEntry.set(entry, slot);
  }
  return [...byEntry.entries()]
    .map(([entry, { scores, coverage }]) => ({
      entry,
      coverage,
      score: scores[0]! + SUPPORT_WEIGHT * ((scores[1] ?? 0) + (scores[2] ?? 0)),
    }))
    .sort((a, b) => b.score - a.score);
}
