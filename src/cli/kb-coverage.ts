/**
 * `jardam kb coverage`: topics × languages (entries, sample questions, answer length, review
 * date), then every entry that falls short of the writing rules. Exit 1 when a catalogue topic
 * has no entry or the knowledge base is invalid.
 */
import { Engine } from '../engine/engine.js';
import { measureCoverage, type CoverageReport } from '../kb/coverage.js';
import { loadKnowledge } from '../kb/load.js';
import { formatProblem } from '../kb/problem.js';
import { sampleQuestionProblems } from '../eval/self-check.js';
import { LANGS } from '../types.js';

export function runCoverage(root: string | undefined, json: boolean): number {
  const { kb, problems } = loadKnowledge(root);
  if (!kb) {
    console.error('The knowledge base has errors; run `jardam kb validate` for the full list:');
    for (const p of problems.filter((p) => p.severity === 'error').slice(0, 10)) console.error(`  ${formatProblem(p)}`);
    return 1;
  }
  const report = measureCoverage(kb);
  const shortfalls = [...report.shortfalls, ...sampleQuestionProblems(new Engine(kb))];
  if (json) console.log(JSON.stringify({ topics: report.topics, missing: report.missing, shortfalls }, null, 2));
  else console.log(formatCoverage(report, shortfalls.map(formatProblem)));
  return report.missing.length === 0 ? 0 : 1;
}

export function formatCoverage(report: CoverageReport, shortfalls: readonly string[]): string {
  const width = Math.max(5, ...report.topics.map((t) => t.topic.length)) + 2;
  const cell = (s: string, n = 13) => s.padEnd(n);
  const head = `${'topic'.padEnd(width)}${cell('core', 6)}${cell('entries', 9)}${LANGS.map((l) => cell(`${l} q / chars`)).join('')}reviewed`;
  const rows = report.topics.map((t) => {
    const langs = LANGS.map((l) => cell(t.entries.length === 0 ? '—' : `${t.byLang[l].minQuestions} / ${t.byLang[l].maxAnswerChars}`)).join('');
    return `${t.topic.padEnd(width)}${cell(t.core ? '★' : '', 6)}${cell(String(t.entries.length), 9)}${langs}${t.reviewed ?? 'MISSING'}`;
  });
  const covered = report.topics.length - report.missing.length;
  const lines = [
    head,
    ...rows,
    '',
    'q = fewest sample questions of one entry; chars = longest answer.',
    `${covered} of ${report.topics.length} topics have an entry in ${LANGS.join(', ')}.`,
  ];
  if (report.missing.length > 0) lines.push(`MISSING: ${report.missing.join(', ')}`);
  lines.push(shortfalls.length === 0 ? 'No entry falls short of the rules.' : `\n${shortfalls.length} shortfall(s):`, ...shortfalls.map((s) => `  ${s}`));
  return lines.join('\n');
}
