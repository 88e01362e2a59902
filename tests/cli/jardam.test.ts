import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/kb/load.js';
import { scratchProject } from '../helpers/kb.js';

function jardam(args: string[], input?: string, env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/jardam.mjs'), ...args], { input, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('the jardam command', () => {
  it('refuses to start the server on a bad setting, naming the variable', () => {
    const { code, err } = jardam(['serve'], undefined, { PORT: 'eighty', WHATSAPP_APP_SECRET: 's' });
    expect(code).toBe(2);
    expect(err).toMatch(/PORT: /);
    const partial = jardam(['serve'], undefined, { WHATSAPP_APP_SECRET: 's' });
    expect(partial.code).toBe(2);
    expect(partial.err).toMatch(/WHATSAPP_ACCESS_TOKEN: required/);
  });

  it('asks in Kyrgyz and answers in Kyrgyz about school', () => {
    const { code, out } = jardam(['ask', 'balamdy mektepke kantip berem', '--json']);
    expect(code).toBe(0);
    const reply = JSON.parse(out);
    expect(reply).toMatchObject({ kind: 'answer', lang: 'ky' });
    expect(reply.topics[0]).toMatch(/^school-/);
  });

  it('batch: one line out per line in, in order, errors reported and the batch goes on', () => {
    const input = [
      '{"id":"1","text":"мой муж бьет ребенка"}',
      'not json',
      '{"id":"3","text":"kak zaregistrirovat rebenka","country":"kz"}',
      '{"id":"4","text":"hi","lang":"de"}',
      '{"id":"5","text":"salam"}',
    ].join('\n');
    const { code, out } = jardam(['batch'], input);
    expect(code).toBe(0);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatchObject({ id: '1', kind: 'emergency', topics: [], lang: 'ru' });
    expect(lines[1]).toMatchObject({ id: null, error: expect.stringMatching(/not valid JSON/) });
    expect(lines[2]).toMatchObject({ id: '3', kind: 'answer', entry: 'birth-registration-kz', lang: 'ru' });
    expect(lines[3]).toMatchObject({ id: '4', error: expect.stringMatching(/lang/) });
    expect(lines[4]).toMatchObject({ id: '5', kind: 'intent', intent: 'greeting', topics: [] });
    for (const line of [lines[0], lines[2], lines[4]]) expect(typeof line.confidence).toBe('number');
  });

  it('kb validate passes on the project and fails with file, field and language on a broken copy', () => {
    expect(jardam(['kb', 'validate']).code).toBe(0);
    const root = scratchProject();
    const file = join(root, 'knowledge/entries/hotline-111.yaml');
    const entry = parse(readFileSync(file, 'utf8'));
    entry.title.ky = '';
    writeFileSync(file, stringify(entry));
    const broken = jardam(['kb', 'validate', '--root', root]);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain('error: knowledge/entries/hotline-111.yaml: title.ky [ky]: is empty');
    rmSync(root, { recursive: true });
  });

  it('refuses bad options with a clear message', () => {
    const { code, err } = jardam(['ask', 'привет', '--country', 'FR']);
    expect(code).toBe(2);
    expect(err).toMatch(/--country must be one of KZ, KG, RU, OTHER/);
  });

  it('chats in the terminal, numbered options included', () => {
    const { code, out } = jardam(['chat', '--lang', 'ru'], 'как зарегистрировать рождение ребенка\n1\n');
    expect(code).toBe(0);
    expect(out).toContain('Варианты:');
    expect(out.match(/Источник:/g)?.length).toBe(2);
  });
});
