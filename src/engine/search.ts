/**
 * Knowledge search, one index per language. Every sample question, title and answer is its own
 * document, so a message is matched against the closest way people asked, then documents are
 * folded into entries (best document plus a little of the next ones).
 *
 * Scoring is MiniSearch's (BM25+, prefix and fuzzy matches of each message term, terms combined
 * with OR, a document's score multiplied by how many of the message's terms it matched), computed
 * the same way to the last bit (tests/unit/search-equivalence.test.ts checks it against MiniSearch
 * itself), on a compact index built for this one query shape: the term dictionary is MiniSearch's
 * radix tree, so typos and prefixes expand exactly as before, but each term's documents sit in flat
 * arrays with their BM25 score worked out once at build time, a message's documents are scored and
 * folded into entries in preallocated arrays (no object per document), and only the best entries
 * are ranked. This keeps a message within a few milliseconds on a knowledge base a hundred times
 * larger than today's (BENCHMARKS.md).
 */
import SearchableMap from 'minisearch/SearchableMap';
import { LANGS, type Lang, type PerLang } from '../types.js';
import type { Entry } from '../kb/schema.js';
import type { Analyzer } from './analyze.js';

/** How much a match on each kind of text counts. Sample questions are how people ask. */
const FIELD_WEIGHT = { question: 1, title: 0.9, short: 0.7, answer: 0.35 } as const;
type DocKind = keyof typeof FIELD_WEIGHT;
/** Share of an entry's second and third best documents added to its best one. */
const SUPPORT_WEIGHT = 0.15;
/**
 * Entries a search returns, best first. The decision reads the first five and the first three
 * topics (country variants of one question count as one topic; a topic has three variants at
 * most today), so twenty leave ample room, and a large knowledge base is not sorted in full.
 */
export const MAX_HITS = 20;
/** Scorer marks (Int32Array) are cleared long before a round number could overflow. */
const MAX_ROUND = 2 ** 30;
/** Weights of a prefix and of a fuzzy match against an exact one. */
const PREFIX_WEIGHT = 0.5;
const FUZZY_WEIGHT = 0.6;
/** No more edits than this, however long the word (MiniSearch's default). */
const MAX_FUZZY = 6;
/** BM25+ parameters (MiniSearch's defaults). */
const BM25 = { k: 1.2, b: 0.7, d: 0.5 } as const;

/** Typos: one edit in words of five letters or more, two in long words. */
const fuzzyOf = (term: string): number | false => (term.length >= 8 ? 0.25 : term.length >= 5 ? 0.2 : false);
const prefixOf = (term: string): boolean => term.length >= 4;

export interface EntryHit {
  readonly entry: string;
  readonly score: number;
  /** Share of the message's terms found in the entry's best document (0…1). */
  readonly coverage: number;
}

export interface SearchOutcome {
  /** Entries with a matching document, best first: the best MAX_HITS of them. */
  readonly hits: readonly EntryHit[];
  /** How many searchable terms the message had after stopwords. */
  readonly termCount: number;
}

export interface KnowledgeSearch {
  search(text: string, lang: Lang): SearchOutcome;
}

/** One language's documents: postings in flat arrays (term t's are `start[t]` to `start[t + 1]`). */
interface LangIndex {
  /** Term → term number, in MiniSearch's radix tree (same expansion order for prefixes and typos). */
  readonly terms: SearchableMap<number>;
  readonly start: Int32Array;
  readonly postingDoc: Int32Array;
  /** The term's BM25+ score in that document, before weights. */
  readonly postingScore: Float64Array;
  readonly docEntry: Int32Array;
  readonly docBoost: Float64Array;
  /** Expansions of dictionary terms already asked for. */
  readonly expansions: Map<string, Expansion>;
}

export function createKnowledgeSearch(entries: Iterable<Entry>, analyzer: Analyzer): KnowledgeSearch {
  const list = [...entries];
  const ids = list.map((e) => e.id);
  const indexes = {} as PerLang<LangIndex>;
  for (const lang of LANGS) indexes[lang] = buildIndex(list, lang, analyzer);
  const scorer = new Scorer(Math.max(...LANGS.map((l) => indexes[l].docEntry.length)), list.length);
  return {
    search(text, lang) {
      const tokens = analyzer.tokens(text, lang);
      const terms = tokens.filter((t) => !analyzer.isStopword(t, lang)).map((t) => analyzer.stem(t, lang));
      const termCount = new Set(terms).size;
      if (termCount === 0) return { hits: [], termCount: 0 };
      return { hits: scorer.run(indexes[lang], terms.filter(Boolean), termCount, ids), termCount };
    },
  };
}

function buildIndex(list: readonly Entry[], lang: Lang, analyzer: Analyzer): LangIndex {
  const terms = new SearchableMap<number>();
  // The same numbers in a plain map, quicker to look up while indexing.
  const ids = new Map<string, number>();
  const docsOf: number[][] = [];
  const freqsOf: number[][] = [];
  const docEntry: number[] = [];
  const docBoost: number[] = [];
  const docLength: number[] = [];
  let averageLength = 0;
  // Stems repeat across documents: work each one out once.
  const stems = new Map<string, string | null>();
  const add = (entryIndex: number, kind: DocKind, text: string) => {
    const doc = docEntry.length;
    docEntry.push(entryIndex);
    docBoost.push(FIELD_WEIGHT[kind]);
    const tokens = analyzer.tokens(text, lang);
    const length = new Set(tokens).size;
    docLength.push(length);
    // The running mean, updated as MiniSearch does (the same rounding).
    averageLength = (averageLength * doc + length) / (doc + 1);
    for (const token of tokens) {
      let term = stems.get(token);
      if (term === undefined) stems.set(token, (term = analyzer.isStopword(token, lang) ? null : analyzer.stem(token, lang)));
      if (!term) continue;
      let t = ids.get(term);
      if (t === undefined) {
        ids.set(term, (t = docsOf.length));
        terms.set(term, t);
        docsOf.push([]);
        freqsOf.push([]);
      }
      const docs = docsOf[t]!;
      const freqs = freqsOf[t]!;
      if (docs[docs.length - 1] === doc) freqs[freqs.length - 1]!++;
      else {
        docs.push(doc);
        freqs.push(1);
      }
    }
  };
  list.forEach((entry, i) => {
    for (const q of entry.questions[lang]) add(i, 'question', q);
    add(i, 'title', entry.title[lang]);
    add(i, 'short', entry.short[lang]);
    add(i, 'answer', entry.answer[lang]);
  });

  const docCount = docEntry.length;
  const start = new Int32Array(docsOf.length + 1);
  docsOf.forEach((docs, t) => (start[t + 1] = start[t]! + docs.length));
  const postingDoc = new Int32Array(start[docsOf.length]!);
  const postingScore = new Float64Array(postingDoc.length);
  const { k, b, d } = BM25;
  docsOf.forEach((docs, t) => {
    const matching = docs.length;
    const invDocFreq = Math.log(1 + (docCount - matching + 0.5) / (matching + 0.5));
    let p = start[t]!;
    docs.forEach((doc, i) => {
      const termFreq = freqsOf[t]![i]!;
      postingDoc[p] = doc;
      // MiniSearch's expression, operation for operation.
      postingScore[p++] = invDocFreq * (d + (termFreq * (k + 1)) / (termFreq + k * (1 - b + (b * docLength[doc]!) / averageLength)));
    });
  });
  return { terms, start, postingDoc, postingScore, docEntry: Int32Array.from(docEntry), docBoost: Float64Array.from(docBoost), expansions: new Map() };
}

/** The dictionary terms a message term matches, in MiniSearch's order, and the weight of each. */
interface Expansion {
  readonly terms: Int32Array;
  readonly weights: Float64Array;
}

/**
 * Exact, then longer words it begins (prefix), then words within its typo allowance (fuzzy). The
 * dictionary's own words are expanded once, on first use (bounded by the dictionary); other words
 * (typos) each time.
 */
function expansionOf(index: LangIndex, term: string): Expansion {
  const known = index.expansions.get(term);
  if (known) return known;
  const terms: number[] = [];
  const weights: number[] = [];
  const exact = index.terms.get(term);
  if (exact !== undefined) {
    terms.push(exact);
    weights.push(1);
  }
  const fuzzy = fuzzyOf(term);
  const maxDistance = fuzzy === false ? 0 : Math.min(MAX_FUZZY, Math.round(term.length * fuzzy));
  const typos = maxDistance ? index.terms.fuzzyGet(term, maxDistance) : undefined;
  if (prefixOf(term)) {
    for (const [longer, t] of index.terms.atPrefix(term)) {
      const distance = longer.length - term.length;
      if (!distance) continue;
      // A prefix match is never also counted as a typo.
      typos?.delete(longer);
      terms.push(t);
      weights.push((PREFIX_WEIGHT * longer.length) / (longer.length + 0.3 * distance));
    }
  }
  if (typos) {
    for (const [near, [t, distance]] of typos) {
      if (!distance) continue;
      terms.push(t);
      weights.push((FUZZY_WEIGHT * near.length) / (near.length + distance));
    }
  }
  const expansion = { terms: Int32Array.from(terms), weights: Float64Array.from(weights) };
  if (exact !== undefined) index.expansions.set(term, expansion);
  return expansion;
}

/**
 * Scores one message at a time in preallocated arrays (marks instead of clearing them). Sums are
 * taken in MiniSearch's order (each term's matches first, then term after term), so scores and
 * ties come out identical: documents tie-break by when they were first matched, entries by their
 * best document.
 */
class Scorer {
  private round = 0;
  private termRound = 0;
  /** Documents the current message term matched so far (in termDocs). */
  private matched = 0;
  private readonly termMark: Int32Array;
  private readonly termScore: Float64Array;
  private readonly termDocs: Int32Array;
  private readonly docMark: Int32Array;
  private readonly docScore: Float64Array;
  /** How many distinct message terms matched the document. */
  private readonly docTerms: Int32Array;
  /** Matched documents in order of their first match. */
  private readonly docs: Int32Array;
  private readonly entryMark: Int32Array;
  /** An entry's three best document scores, and its best document's rank and terms. */
  private readonly best: Float64Array;
  private readonly second: Float64Array;
  private readonly third: Float64Array;
  private readonly bestOrder: Int32Array;
  private readonly bestTerms: Int32Array;
  private readonly entriesFound: Int32Array;
  private readonly topEntry = new Int32Array(MAX_HITS);
  private readonly topScore = new Float64Array(MAX_HITS);

  constructor(docCapacity: number, entryCount: number) {
    this.termMark = new Int32Array(docCapacity);
    this.termScore = new Float64Array(docCapacity);
    this.termDocs = new Int32Array(docCapacity);
    this.docMark = new Int32Array(docCapacity);
    this.docScore = new Float64Array(docCapacity);
    this.docTerms = new Int32Array(docCapacity);
    this.docs = new Int32Array(docCapacity);
    this.entryMark = new Int32Array(entryCount);
    this.best = new Float64Array(entryCount);
    this.second = new Float64Array(entryCount);
    this.third = new Float64Array(entryCount);
    this.bestOrder = new Int32Array(entryCount);
    this.bestTerms = new Int32Array(entryCount);
    this.entriesFound = new Int32Array(entryCount);
  }

  run(index: LangIndex, queryTerms: readonly string[], termCount: number, ids: readonly string[]): EntryHit[] {
    if (this.round >= MAX_ROUND || this.termRound >= MAX_ROUND) this.clearMarks();
    const round = ++this.round;
    let found = 0;
    const seen = new Set<string>();
    for (const term of queryTerms) {
      // A repeated term adds its score again but no new document or term count (as in MiniSearch).
      const repeated = seen.has(term);
      seen.add(term);
      const expansion = expansionOf(index, term);
      if (expansion.terms.length === 1) {
        // One dictionary term: its documents are distinct, so their scores go straight to the totals.
        found = this.addOnly(index, expansion.terms[0]!, expansion.weights[0]!, round, found, repeated);
        continue;
      }
      const matched = this.matchTerm(index, expansion);
      const { termScore, docMark, docScore, docTerms, termDocs } = this;
      for (let i = 0; i < matched; i++) {
        const doc = termDocs[i]!;
        if (docMark[doc] !== round) {
          docMark[doc] = round;
          docScore[doc] = termScore[doc]!;
          docTerms[doc] = 1;
          this.docs[found++] = doc;
        } else {
          docScore[doc] = docScore[doc]! + termScore[doc]!;
          if (!repeated) docTerms[doc]!++;
        }
      }
    }
    return this.fold(index, found, round, termCount, ids);
  }

  /** Marks are round numbers in Int32Arrays: before they would overflow, start again from zero. */
  private clearMarks(): void {
    for (const marks of [this.termMark, this.docMark, this.entryMark]) marks.fill(0);
    this.round = 0;
    this.termRound = 0;
  }

  /** One message term's matches (exact, then prefixes, then typos) into termScore; returns how many documents. */
  private matchTerm(index: LangIndex, { terms, weights }: Expansion): number {
    ++this.termRound;
    this.matched = 0;
    for (let i = 0; i < terms.length; i++) this.addTerm(index, terms[i]!, weights[i]!);
    return this.matched;
  }

  /** A message term matching one dictionary term: adds its documents to the totals; returns how many documents have matched. */
  private addOnly(index: LangIndex, t: number, weight: number, round: number, found: number, repeated: boolean): number {
    const { start, postingDoc, postingScore, docBoost } = index;
    const { docMark, docScore, docTerms, docs } = this;
    const end = start[t + 1]!;
    for (let p = start[t]!; p < end; p++) {
      const doc = postingDoc[p]!;
      const score = weight * docBoost[doc]! * postingScore[p]!;
      if (docMark[doc] !== round) {
        docMark[doc] = round;
        docScore[doc] = score;
        docTerms[doc] = 1;
        docs[found++] = doc;
      } else {
        docScore[doc] = docScore[doc]! + score;
        if (!repeated) docTerms[doc]!++;
      }
    }
    return found;
  }

  /** Adds one dictionary term's documents, at `weight`, to the current message term's scores. */
  private addTerm(index: LangIndex, t: number, weight: number): void {
    const { start, postingDoc, postingScore, docBoost } = index;
    const { termMark, termScore, termDocs, termRound } = this;
    let matched = this.matched;
    const end = start[t + 1]!;
    for (let p = start[t]!; p < end; p++) {
      const doc = postingDoc[p]!;
      const score = weight * docBoost[doc]! * postingScore[p]!;
      if (termMark[doc] !== termRound) {
        termMark[doc] = termRound;
        termScore[doc] = score;
        termDocs[matched++] = doc;
      } else termScore[doc] = termScore[doc]! + score;
    }
    this.matched = matched;
  }

  /** Documents into entries: best document plus a share of the next two, best entries first. */
  private fold(index: LangIndex, found: number, round: number, termCount: number, ids: readonly string[]): EntryHit[] {
    const { docs, docScore, docTerms, entryMark, best, second, third, bestOrder, bestTerms, entriesFound, topEntry, topScore } = this;
    const { docEntry } = index;
    let entryCount = 0;
    for (let order = 0; order < found; order++) {
      const doc = docs[order]!;
      const score = docScore[doc]! * (docTerms[doc] || 1);
      const e = docEntry[doc]!;
      if (entryMark[e] !== round) {
        entryMark[e] = round;
        entriesFound[entryCount++] = e;
        best[e] = score;
        second[e] = -1;
        third[e] = -1;
        bestOrder[e] = order;
        bestTerms[e] = docTerms[doc]!;
      } else if (score > best[e]!) {
        third[e] = second[e]!;
        second[e] = best[e]!;
        best[e] = score;
        bestOrder[e] = order;
        bestTerms[e] = docTerms[doc]!;
      } else if (score > second[e]!) {
        third[e] = second[e]!;
        second[e] = score;
      } else if (score > third[e]!) third[e] = score;
    }
    // The best MAX_HITS entries, kept in order by insertion: most entries fall below the last one at once.
    let kept = 0;
    for (let i = 0; i < entryCount; i++) {
      const e = entriesFound[i]!;
      const support = (second[e]! < 0 ? 0 : second[e]!) + (third[e]! < 0 ? 0 : third[e]!);
      const score = best[e]! + SUPPORT_WEIGHT * support;
      if (kept === MAX_HITS && !this.ranksBefore(e, score, kept - 1)) continue;
      let j = kept < MAX_HITS ? kept++ : kept - 1;
      while (j > 0 && this.ranksBefore(e, score, j - 1)) {
        topEntry[j] = topEntry[j - 1]!;
        topScore[j] = topScore[j - 1]!;
        j--;
      }
      topEntry[j] = e;
      topScore[j] = score;
    }
    const hits: EntryHit[] = [];
    for (let j = 0; j < kept; j++) {
      const e = topEntry[j]!;
      hits.push({ entry: ids[e]!, score: topScore[j]!, coverage: Math.min(1, bestTerms[e]! / termCount) });
    }
    return hits;
  }

  /** Whether entry `e` with `score` ranks before the j-th kept one; ties go to the entry whose best document ranks first (its score, then when it was first matched). */
  private ranksBefore(e: number, score: number, j: number): boolean {
    const { best, bestOrder, topEntry, topScore } = this;
    const other = topEntry[j]!;
    return score > topScore[j]! || (score === topScore[j]! && (best[e]! > best[other]! || (best[e]! === best[other]! && bestOrder[e]! < bestOrder[other]!)));
  }
}
