import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadKnowledge, PROJECT_ROOT } from '../../src/kb/load.js';
import { scratchProject } from '../helpers/kb.js';

type Yaml = Record<string, any>;

function editEntry(root: string, id: string, edit: (entry: Yaml) => void): void {
  const path = join(root, 'knowledge/entries', `${id}.yaml`);
  const entry = parse(readFileSync(path, 'utf8'));
  edit(entry);
  writeFileSync(path, stringify(entry));
}

describe('jardam kb validate rules', () => {
  it('accepts the project knowledge base', () => {
    const { kb, problems } = loadKnowledge(PROJECT_ROOT);
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(kb?.entries.size).toBeGreaterThanOrEqual(12);
  });

  it('names file, field and language for each broken rule, and refuses to serve', () => {
    const root = scratchProject();
    editEntry(root, 'hotline-111', (e) => {
      delete e.answer.ky;
      e.topic = 'no-such-topic';
      e.sources[0].paras = [95, 999];
      e.related = ['no-such-entry'];
      e.questions.ru.push(parse(readFileSync(join(root, 'knowledge/entries/legal-aid-kz.yaml'), 'utf8')).questions.ru[0]);
      e.short.fr = 'un libellé beaucoup trop long pour un bouton';
    });
    const { kb, problems } = loadKnowledge(root);
    expect(kb).toBeUndefined();
    const file = 'knowledge/entries/hotline-111.yaml';
    const find = (field: string) => problems.find((p) => p.file === file && p.field === field);
    expect(find('answer.ky')).toMatchObject({ lang: 'ky', severity: 'error' });
    expect(find('short.fr')?.message).toMatch(/longer than 20/);
    rmSync(root, { recursive: true });
  });

  it('checks cross-file rules once every file parses', () => {
    const root = scratchProject();
    const borrowed = parse(readFileSync(join(root, 'knowledge/entries/legal-aid-kz.yaml'), 'utf8')).questions.ru[0];
    editEntry(root, 'hotline-111', (e) => {
      e.topic = 'no-such-topic';
      e.sources[0].paras = [95, 999];
      e.related = ['no-such-entry'];
      e.questions.ru.push(borrowed);
    });
    const { kb, problems } = loadKnowledge(root);
    expect(kb).toBeUndefined();
    const messages = problems.map((p) => `${p.file} ${p.field} ${p.lang ?? ''} ${p.message}`);
    expect(messages).toContainEqual(expect.stringMatching(/hotline-111\.yaml topic .*unknown topic "no-such-topic"/));
    expect(messages).toContainEqual(expect.stringMatching(/sources\[0\]\.paras .*no paragraph 999/));
    expect(messages).toContainEqual(expect.stringMatching(/related\[0\] .*unknown entry "no-such-entry"/));
    expect(messages).toContainEqual(expect.stringMatching(/legal-aid-kz\.yaml questions\.ru\[0\] ru .*also a sample question of hotline-111/));
    rmSync(root, { recursive: true });
  });

  it('rejects duplicate ids, invalid YAML, unknown documents and missing locale keys', () => {
    const root = scratchProject();
    const entries = join(root, 'knowledge/entries');
    writeFileSync(join(entries, 'copy.yaml'), readFileSync(join(entries, 'hotline-111.yaml')));
    writeFileSync(join(entries, 'broken.yaml'), 'id: [unclosed\n');
    editEntry(root, 'hotline-1899', (e) => {
      e.sources[0].doc = '999';
    });
    const ky = JSON.parse(readFileSync(join(root, 'locales/ky/translation.json'), 'utf8'));
    delete ky.fallback.intro;
    writeFileSync(join(root, 'locales/ky/translation.json'), JSON.stringify(ky));
    const { problems } = loadKnowledge(root);
    const text = problems.map((p) => `${p.file}|${p.field}|${p.lang ?? ''}|${p.message}`);
    expect(text).toContainEqual(expect.stringMatching(/copy\.yaml\|id\|\|is "hotline-111" but the file is named copy\.yaml/));
    expect(text).toContainEqual(expect.stringMatching(/broken\.yaml\|\|\|is not valid YAML/));
    expect(text).toContainEqual(expect.stringMatching(/hotline-1899\.yaml\|sources\[0\]\.doc\|\|unknown document "999"/));
    expect(text).toContainEqual('locales/ky/translation.json|fallback.intro|ky|is missing');
    rmSync(root, { recursive: true });
  });

  it('requires an entry for every core topic and quotes found in the document', () => {
    const root = scratchProject();
    rmSync(join(root, 'knowledge/entries/hotline-1899.yaml'));
    const replies = readFileSync(join(root, 'knowledge/replies.yaml'), 'utf8');
    writeFileSync(join(root, 'knowledge/replies.yaml'), replies.replace('protéger les droits des familles', 'protéger les chats des familles'));
    const { problems } = loadKnowledge(root);
    expect(problems).toContainEqual(expect.objectContaining({ field: 'hotline-1899', message: 'core (★) topic has no entry' }));
    expect(problems).toContainEqual(expect.objectContaining({ file: 'knowledge/replies.yaml', field: 'sources[2].quote' }));
    rmSync(root, { recursive: true });
  });
});
