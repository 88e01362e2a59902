/**
 * The administrators' commands, run as a real process against a real SQLite file: accounts,
 * forget, stats and knowledge gaps. Data is put in with the store the server uses.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { PROJECT_ROOT } from '../../src/kb/load.js';
import { openStore } from '../../src/store/open.js';
import { Pseudonyms } from '../../src/store/pseudonym.js';
import { verifyPassword } from '../../src/accounts/password.js';
import type { Store } from '../../src/store/types.js';

const SECRET = 'cli-test-user-key-secret-0123456789abcdef';
let dataDir: string;

function jardam(args: string[], input = '') {
  const run = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/jardam.mjs'), ...args], {
    input,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, DATA_DIR: dataDir, USER_KEY_SECRET: SECRET, DATABASE_URL: '' },
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

async function withStore<T>(work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ dataDir });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'jardam-cli-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('jardam account', () => {
  it('creates, lists and removes accounts, with the password read from stdin and stored hashed', async () => {
    expect(jardam(['account', 'add', 'aigul', '--role', 'caseworker', '--telegram', '4242'], 'a-long-enough-password\n').code).toBe(0);
    const stored = await withStore((s) => s.account('aigul'));
    expect(stored).toMatchObject({ username: 'aigul', role: 'caseworker', telegramId: '4242' });
    expect(stored!.passwordHash).not.toContain('a-long-enough-password');
    expect(await verifyPassword('a-long-enough-password', stored!.passwordHash)).toBe(true);

    const again = jardam(['account', 'add', 'aigul', '--role', 'admin'], 'another-long-password\n');
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/exists already/);
    expect(jardam(['account', 'add', 'marat', '--role', 'admin'], 'short\n').code).toBe(1);
    expect(jardam(['account', 'add', 'marat', '--role', 'boss'], 'a-long-enough-password\n').err).toMatch(/--role must be caseworker or admin/);

    expect(jardam(['account', 'list']).out).toMatch(/^aigul\tcaseworker\ttelegram:4242\t/m);
    expect(jardam(['account', 'remove', 'aigul']).code).toBe(0);
    expect(await withStore((s) => s.account('aigul'))).toBeUndefined();
    expect(jardam(['account', 'remove', 'aigul']).code).toBe(1);
    const audit = await withStore((s) => s.auditLog());
    expect(audit.map((a) => a.action)).toEqual(['account.remove', 'account.create']);
  });
});

describe('jardam forget', () => {
  it('deletes everything about one WhatsApp number, written as people write it, and nothing else', async () => {
    const keys = new Pseudonyms(SECRET);
    const gone = keys.key({ channel: 'whatsapp', id: '996555123456' });
    const kept = keys.key({ channel: 'whatsapp', id: '996555000000' });
    await withStore(async (s) => {
      for (const key of [gone, kept]) {
        await s.saveUser({ key, channel: 'whatsapp', role: 'family', state: { lang: 'ky' }, updatedAt: Date.now() });
        await s.addQuestion({ at: Date.now(), userKey: key, channel: 'whatsapp', lang: 'ky', reason: 'fallback', text: 'доллар канча' });
      }
      await s.openTicket({ userKey: gone, channel: 'whatsapp', address: '996555123456', lang: 'ky', reason: 'asked', recent: [], at: Date.now() });
    });

    const run = jardam(['forget', 'whatsapp:+996 555 12-34-56']);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/Deleted 3 record/);
    await withStore(async (s) => {
      expect(await s.getUser(gone)).toBeUndefined();
      expect(await s.activeTicket(gone)).toBeUndefined();
      expect((await s.questions()).map((q) => q.userKey)).toEqual([kept]);
      expect(await s.getUser(kept)).toBeDefined();
      const [audit] = await s.auditLog();
      expect(audit).toMatchObject({ actor: 'cli', action: 'user.forget', target: gone });
      expect(JSON.stringify(audit)).not.toContain('555');
    });
    expect(jardam(['forget', 'whatsapp:+996555123456']).out).toMatch(/Nothing was stored/);
  });

  it('refuses a person named without a known channel', () => {
    const run = jardam(['forget', 'sms:12345']);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/channel must be one of telegram, whatsapp, web/);
    expect(jardam(['forget']).code).toBe(2);
  });
});

describe('jardam stats and kb gaps', () => {
  it('counts questions by dimension, as a table and as CSV, without any text', async () => {
    const at = Date.UTC(2026, 10, 24, 10);
    await withStore(async (s) => {
      for (const kind of ['answer', 'answer', 'answer', 'fallback'] as const) await s.recordTurn({ at, channel: 'telegram', lang: 'ru', country: 'KZ', kind, topic: kind === 'answer' ? 'school-enrollment' : undefined });
      await s.recordTurn({ at, channel: 'web', lang: 'ky', kind: 'emergency' });
      await s.recordFeedback({ at, channel: 'telegram', lang: 'ru', value: 'up', topic: 'school-enrollment' });
      await s.recordFeedback({ at, channel: 'telegram', lang: 'ru', value: 'down', topic: 'school-enrollment' });
    });
    const table = jardam(['stats']);
    expect(table.code).toBe(0);
    expect(table.out).toContain('school-enrollment');
    const rows = parse(jardam(['stats', '--csv']).out, { columns: true, bom: true }) as Record<string, string>[];
    const row = (dimension: string, value: string) => rows.find((r) => r.dimension === dimension && r.value === value)!;
    expect(row('channel', 'telegram')).toMatchObject({ questions: '4', answer: '3', fallback: '1', up: '1', down: '1', answer_pct: '75.0', up_pct: '50.0' });
    expect(row('lang', 'ky')).toMatchObject({ questions: '1', emergency: '1' });
    expect(row('week', '2026-W48').questions).toBe('5');
    expect(jardam(['stats', '--since', 'yesterday']).code).toBe(2);
  });

  it('groups kept questions by similarity and language, typed in either script', async () => {
    const at = Date.now();
    await withStore(async (s) => {
      for (const text of ['сколько стоит патент в москве', 'skolko stoit patent v moskve', 'сколько стоит патент москва?', 'какая погода в алматы'])
        await s.addQuestion({ at, userKey: 'telegram:x', channel: 'telegram', lang: 'ru', reason: 'fallback', text });
    });
    const rows = parse(jardam(['kb', 'gaps', '--csv']).out, { columns: true, bom: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.lang, r.count])).toEqual([
      ['ru', '3'],
      ['ru', '1'],
    ]);
    expect(jardam(['kb', 'gaps']).out).toContain('"какая погода в алматы"');
  });
});
