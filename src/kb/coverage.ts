/**
 * How well the knowledge base covers the topic catalogue: per topic and language, how many
 * entries, sample questions and characters of answer, how recently reviewed, and which entries
 * fall short of the writing rules (shortfalls are warnings; a topic with no entry is the error).
 */
import { LANGS, type Lang, type PerLang } from '../types.js';
import { scriptOf } from '../text/fold.js';
import type { KnowledgeBase } from './load.js';
import type { Entry } from './schema.js';
import type { Problem } from './problem.js';

export const COVERAGE_RULES = {
  /** Sample questions per language per entry: the situations and spellings people really use. */
  questionsPerLang: 8,
  /** An answer not re-read against its sources for this long is due for review. */
  reviewedWithinDays: 365,
} as const;

export interface LangCoverage {
  /** Sample questions of the topic's entries in this language (the fewest of any one entry). */
  readonly minQuestions: number;
  /** The longest answer of the topic's entries in this language. */
  readonly maxAnswerChars: number;
}

export interface TopicCoverage {
  readonly topic: string;
  readonly core: boolean;
  /** Entries whose main topic this is. */
  readonly entries: readonly string[];
  readonly byLang: PerLang<LangCoverage>;
  /** The oldest review date of the topic's entries. */
  readonly reviewed?: string;
}

export interface CoverageReport {
  readonly topics: readonly TopicCoverage[];
  /** Catalogue topics with no entry at all. */
  readonly missing: readonly string[];
  readonly shortfalls: readonly Problem[];
}

const DAY_MS = 86_400_000;

export function measureCoverage(kb: KnowledgeBase, today: Date = new Date()): CoverageReport {
  const byTopic = new Map<string, Entry[]>();
  for (const entry of kb.entries.values()) byTopic.set(entry.topic, [...(byTopic.get(entry.topic) ?? []), entry]);

  const topics = [...kb.topics.values()].map((topic): TopicCoverage => {
    const entries = byTopic.get(topic.id) ?? [];
    const byLang = Object.fromEntries(
      LANGS.map((lang) => [
        lang,
        {
          minQuestions: entries.length === 0 ? 0 : Math.min(...entries.map((e) => e.questions[lang].length)),
          maxAnswerChars: Math.max(0, ...entries.map((e) => e.answer[lang].trim().length)),
        },
      ]),
    ) as PerLang<LangCoverage>;
    const reviewed = entries.map((e) => e.reviewed).sort()[0];
    return { topic: topic.id, core: topic.core, entries: entries.map((e) => e.id), byLang, ...(reviewed ? { reviewed } : {}) };
  });

  return {
    topics,
    missing: topics.filter((t) => t.entries.length === 0).map((t) => t.topic),
    shortfalls: [...kb.entries.values()].flatMap((entry) => entryShortfalls(entry, kb.entryFiles.get(entry.id) ?? entry.id, today)),
  };
}

function entryShortfalls(entry: Entry, file: string, today: Date): Problem[] {
  const found: Problem[] = [];
  const warn = (field: string, message: string, lang?: Lang) =>
    found.push({ file, field, message, severity: 'warning', ...(lang ? { lang } : {}) });

  for (const lang of LANGS) {
    const questions = entry.questions[lang];
    if (questions.length < COVERAGE_RULES.questionsPerLang) {
      warn('questions', `${questions.length} sample questions, fewer than ${COVERAGE_RULES.questionsPerLang}`, lang);
    }
    // Many families type Russian and Kyrgyz in Latin letters; every entry should be findable that way.
    if (lang !== 'fr' && !questions.some((q) => scriptOf(q) === 'latin')) warn('questions', 'no sample question in Latin letters', lang);
  }
  if (entry.related.length === 0) warn('related', 'no related entries to offer after the answer');
  const age = (today.getTime() - Date.parse(entry.reviewed)) / DAY_MS;
  if (age > COVERAGE_RULES.reviewedWithinDays) warn('reviewed', `last reviewed ${entry.reviewed}, more than ${COVERAGE_RULES.reviewedWithinDays} days ago`);
  return found;
}
