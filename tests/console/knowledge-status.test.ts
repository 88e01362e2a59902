/**
 * The administrators' knowledge status after a rejected change: what is wrong (file, field,
 * language) and that the last good version is still served, until the change is fixed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { PROJECT_ROOT } from '../../src/kb/load.js';
import { hashPassword } from '../../src/accounts/password.js';
import { eventually, startTestServer, type TestServer } from '../helpers/server.js';

const ENTRY = 'knowledge/entries/hotline-111.yaml';
const PASSWORD = 'knowledge status password';
let root: string;
let app: TestServer;

function save(rel: string, text: string): void {
  const path = join(root, rel);
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

async function adminCookie(): Promise<string> {
  const res = await fetch(`${app.url}/console/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'editor', password: PASSWORD }) });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

async function status(cookie: string): Promise<any> {
  const res = await fetch(`${app.url}/console/api/admin/knowledge`, { headers: { cookie } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { knowledge: unknown }).knowledge;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'jardam-console-kb-'));
  for (const folder of ['knowledge', 'intents', 'locales', 'public']) cpSync(join(PROJECT_ROOT, folder), join(root, folder), { recursive: true });
  app = await startTestServer({ WATCH_KNOWLEDGE: 'true' }, { root });
  await app.server.store.createAccount({ username: 'editor', role: 'admin', passwordHash: await hashPassword(PASSWORD), createdAt: Date.now() });
});
afterAll(async () => {
  await app?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('knowledge status for administrators', () => {
  it('names the file, field and language of a rejected change, and clears once fixed', async () => {
    const cookie = await adminCookie();
    expect(await status(cookie)).toMatchObject({ version: 1, stale: false, watching: true });
    expect((await status(cookie)).lastRejection).toBeUndefined();

    const pristine = readFileSync(join(root, ENTRY), 'utf8');
    const broken = parse(pristine) as Record<string, any>;
    broken.answer.ky = '';
    save(ENTRY, stringify(broken));
    await eventually(() => app.server.knowledge.status().lastRejection, 5000);
    await app.server.knowledge.idle();

    const rejected = await status(cookie);
    expect(rejected).toMatchObject({ version: 1, stale: true });
    expect(rejected.lastRejection.problems).toContainEqual(expect.objectContaining({ file: ENTRY, field: 'answer.ky', lang: 'ky' }));
    expect(rejected.lastRejection.problems[0].text).toContain(ENTRY);

    save(ENTRY, pristine);
    await eventually(() => (app.server.knowledge.status().stale ? undefined : true), 5000);
    const fixed = await status(cookie);
    expect(fixed).toMatchObject({ stale: false });
    expect(fixed.version).toBeGreaterThan(1);
    // The old rejection is still there to read, no longer a warning.
    expect(fixed.lastRejection.problems.length).toBeGreaterThan(0);
  }, 20_000);
});
