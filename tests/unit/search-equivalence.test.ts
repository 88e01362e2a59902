/**
 * The knowledge search computes MiniSearch's scores on its own compact index (src/engine/search.ts).
 * These tests keep it honest: on the real knowledge base, and on copies of it that tie exactly, it
 * must return what the MiniSearch index it replaced returned, score for score and in the same order.
 */
import { describe, expect, it } from 'vitest';
import MiniSearch, { type SearchResult } from 'minisearch';
import { join } from 'node:path';
import { createKnowledgeSearch, MAX_HITS, type EntryHit } from '../../src/engine/search.js';
import { createAnalyzer, type Analyzer } from '../../src/engine/analyze.js';
import { createIntentMatcher } from '../../src/engine/intents.js';
import { PROJECT_ROOT } from '../../src/kb/load.js';
import type { Entry } from '../../src/kb/schema.js';
import { readEvalSet } from '../../src/eval/score.js';
import { LANGS, type Lang, type PerLang } from '../../src/types.js';
import { realKb } from '../helpers/kb.js';

/** The MiniSearch index the engine used before (one per language, a document per text), kept as the reference. */
function referenceSearch(entries: readonly Entry[], analyzer: Analyzer) {
  const FIELD_WEIGHT = { question: 1, title: 0.9, short: 0.7, answer: 0.35 } as const;
  interface Doc {
    id: string;
    entry: string;
    kind: keyof typeof FIELD_WEIGHT;
    text: string;
  }
  const weights = new Map<string, number>();
  const indexes = {} as PerLang<MiniSearch<Doc>>;
  for (const lang of LANGS) {
    const index = new MiniSearch<Doc>({
      fields: ['text'],
      storeFields: ['entry', 'kind'],
      tokenize: (text) => analyzer.tokens(text, lang),
      processTerm: (term) => (analyzer.isStopword(term, lang) ? null : analyzer.stem(term, lang)),
      searchOptions: {
        combineWith: 'OR',
        fuzzy: (term) => (term.length >= 8 ? 0.25 : term.length >= 5 ? 0.2 : false),
        prefix: (term) => term.length >= 4,
        weights: { fuzzy: 0.6, prefix: 0.5 },
        boostDocument: (id) => weights.get(String(id)) ?? 1,
      },
    });
    const docs: Doc[] = [];
    for (const entry of entries) {
      entry.questions[lang].forEach((q, i) => docs.push({ id: `${lang}:${entry.id}:q${i}`, entry: entry.id, kind: 'question', text: q }));
      docs.push({ id: `${lang}:${entry.id}:title`, entry: entry.id, kind: 'title', text: entry.title[lang] });
      docs.push({ id: `${lang}:${entry.id}:short`, entry: entry.id, kind: 'short', text: entry.short[lang] });
      docs.push({ id: `${lang}:${entry.id}:answer`, entry: entry.id, kind: 'answer', text: entry.answer[lang] });
    }
    for (const doc of docs) weights.set(doc.id, FIELD_WEIGHT[doc.kind]);
    index.addAll(docs);
    indexes[lang] = index;
  }
  const fold = (results: SearchResult[], termCount: number): EntryHit[] => {
    const byEntry = new Map<string, { scores: number[]; coverage: number }>();
    for (const r of results) {
      const entry = r['entry'] as string;
      const slot = byEntry.get(entry) ?? { scores: [], coverage: 0 };
      if (slot.scores.length === 0) slot.coverage = Math.min(1, r.queryTerms.length / termCount);
      slot.scores.push(r.score);
      byEntry.set(entry, slot);
    }
    return [...byEntry.entries()]
      .map(([entry, { scores, coverage }]) => ({ entry, coverage, score: scores[0]! + 0.15 * ((scores[1] ?? 0) + (scores[2] ?? 0)) }))
      .sort((a, b) => b.score - a.score);
  };
  return (text: string, lang: Lang) => {
    const terms = new Set(analyzer.terms(text, lang));
    if (terms.size === 0) return { hits: [], termCount: 0 };
    return { hits: fold(indexes[lang].search(text), terms.size), termCount: terms.size };
  };
}

/** Hits as plain tuples: exact numbers, exact order. */
const plain = (hits: readonly EntryHit[]) => hits.map((h) => [h.entry, h.score, h.coverage]);

function compare(entries: readonly Entry[], texts: readonly string[]) {
  const analyzer = createAnalyzer(realKb().lexicon.stopwords);
  const reference = referenceSearch(entries, analyzer);
  const search = createKnowledgeSearch(entries, analyzer);
  let compared = 0;
  for (const text of texts) {
    for (const lang of LANGS) {
      const expected = reference(text, lang);
      const actual = search.search(text, lang);
      expect(actual.termCount, `${lang}: ${text}`).toBe(expected.termCount);
      expect(plain(actual.hits), `${lang}: ${text}`).toEqual(plain(expected.hits.slice(0, MAX_HITS)));
      compared++;
    }
  }
  return compared;
}

const evalTexts = () => readEvalSet(join(PROJECT_ROOT, 'tests/eval/dev.jsonl')).map((i) => i.text);

describe('knowledge search', () => {
  it('scores and ranks exactly as the MiniSearch index it replaced, on the real knowledge base', () => {
    const entries = [...realKb().entries.values()];
    // Every evaluation question (typos, transliteration, mixed languages) and every sample question, each read in all three languages.
    const texts = [...evalTexts(), ...entries.flatMap((e) => LANGS.flatMap((l) => e.questions[l]))];
    expect(compare(entries, texts)).toBe(texts.length * 3);
  }, 120_000);

  it('breaks exact ties as MiniSearch did: the entry whose best document was matched first', () => {
    // Copies with the same texts score exactly alike; the original, indexed first, must stay first.
    const originals = [...realKb().entries.values()];
    const entries = [...originals, ...originals.map((e) => ({ ...e, id: `${e.id}-copy` }))];
    expect(compare(entries, evalTexts().filter((_, i) => i % 4 === 0))).toBeGreaterThan(0);
  }, 120_000);

  it('counts a repeated word twice in the score but once in the coverage, and ignores messages of stopwords only', () => {
    const entries = [...realKb().entries.values()];
    expect(compare(entries, ['школа школа школа', 'école école', 'мектеп мектепке мектепке', 'и в на', '', '???', '111 111'])).toBe(21);
  }, 60_000);

  it('returns at most MAX_HITS entries, best first', () => {
    const kb = realKb();
    const search = createKnowledgeSearch(kb.entries.values(), createAnalyzer(kb.lexicon.stopwords));
    const { hits } = search.search('ребенок документы школа работа консульство паспорт помощь', 'ru');
    expect(hits).toHaveLength(MAX_HITS);
    for (let i = 1; i < hits.length; i++) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score);
  });
});

describe('analysis shared by the stages', () => {
  it('remembers each word per language without changing what it reads', () => {
    const stopwords = realKb().lexicon.stopwords;
    const warm = createAnalyzer(stopwords);
    const texts = evalTexts();
    for (const text of texts) for (const lang of LANGS) warm.terms(text, lang);
    for (const text of texts) {
      // A fresh analyzer for each text: nothing remembered from other messages.
      const fresh = createAnalyzer(stopwords);
      for (const lang of LANGS) {
        expect(warm.tokens(text, lang), `${lang}: ${text}`).toEqual(fresh.tokens(text, lang));
        expect(warm.terms(text, lang), `${lang}: ${text}`).toEqual(fresh.terms(text, lang));
      }
    }
    // The same word read as French and as Russian stays two readings.
    expect(warm.tokens('rebenok', 'fr')).toEqual(['rebenok']);
    expect(warm.tokens('rebenok', 'ru')).toEqual(['ребенок']);
  }, 60_000);

  it('still forgives one typo in intents of five letters or more', () => {
    const kb = realKb();
    const intents = createIntentMatcher(kb.intents.values(), createAnalyzer(kb.lexicon.stopwords));
    expect(intents.match('до свидвния')?.intent).toBe('goodbye'); // substitution
    expect(intents.match('merci beacoup')?.intent).toBe('thanks'); // letter missing
    expect(intents.match('mercii beaucoup')?.intent).toBe('thanks'); // letter added
  });
});
