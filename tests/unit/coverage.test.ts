import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadKnowledge } from '../../src/kb/load.js';
import { COVERAGE_RULES, measureCoverage } from '../../src/kb/coverage.js';
import { sampleQuestionProblems } from '../../src/eval/self-check.js';
import { Engine } from '../../src/engine/engine.js';
import { realKb, scratchProject } from '../helpers/kb.js';

function editYaml(root: string, file: string, edit: (data: any) => void): void {
  const path = join(root, file);
  const data = parse(readFileSync(path, 'utf8'));
  edit(data);
  writeFileSync(path, stringify(data));
}

describe('kb coverage', () => {
  it('covers every topic of the catalogue in the real knowledge base', () => {
    const report = measureCoverage(realKb());
    expect(report.missing).toEqual([]);
    expect(report.topics.length).toBe(realKb().topics.size);
  });

  it('reports a topic without entries, a short entry and a stale review', () => {
    const root = scratchProject();
    editYaml(root, 'knowledge/topics.yaml', (topics) => topics.push({ id: 'brand-new-topic', countries: ['KZ'], core: false }));
    editYaml(root, 'knowledge/entries/hotline-111.yaml', (e) => {
      e.questions.ky = e.questions.ky.slice(0, 3);
      e.reviewed = '2020-01-01';
    });
    const { kb } = loadKnowledge(root);
    const report = measureCoverage(kb!, new Date('2026-11-24'));
    expect(report.missing).toEqual(['brand-new-topic']);
    const hotline = report.topics.find((t) => t.topic === 'hotline-111')!;
    expect(hotline.byLang.ky.minQuestions).toBe(3);
    expect(hotline.reviewed).toBe('2020-01-01');
    const messages = report.shortfalls.filter((p) => p.file.endsWith('hotline-111.yaml')).map((p) => `${p.field} ${p.lang ?? ''} ${p.message}`);
    expect(messages).toContainEqual(expect.stringMatching(new RegExp(`^questions ky 3 .* ${COVERAGE_RULES.questionsPerLang}`)));
    expect(messages).toContainEqual(expect.stringMatching(/^reviewed .*2020-01-01/));
  });

  it('flags sample questions that lead elsewhere or read as an emergency', () => {
    const root = scratchProject();
    editYaml(root, 'knowledge/entries/hotline-1899.yaml', (e) => {
      e.questions.ru.push('мой муж бьет ребенка прямо сейчас');
      e.questions.fr.push('merci beaucoup');
    });
    const { kb } = loadKnowledge(root);
    const problems = sampleQuestionProblems(new Engine(kb!));
    const mine = problems.filter((p) => p.file.endsWith('hotline-1899.yaml'));
    expect(mine.find((p) => p.lang === 'ru')?.message).toMatch(/emergency/);
    expect(mine.find((p) => p.lang === 'fr')?.message).toMatch(/leads to thanks \(intent\)/);
  });
});
