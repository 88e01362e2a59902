import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { parse, stringify } from 'yaml';
import { PROJECT_ROOT } from '../../src/kb/load.js';
import { WEB_SOCKET_PATH } from '../../src/channels/web/chat.js';
import { startTestServer, eventually, type TestServer } from '../helpers/server.js';

type Yaml = Record<string, any>;
const ENTRY = 'knowledge/entries/hotline-111.yaml';
const QUESTION = 'что такое линия 111';

let root: string;
let app: TestServer;
/** The copied files as they were, so each test starts from valid ones. */
let pristine: Record<string, string>;

/** A browser of the web chat: its token and socket, and every reply in order. */
interface Client {
  readonly token: string;
  readonly ws: WebSocket;
  readonly received: Record<string, any>[];
}

async function client(): Promise<Client> {
  const { token } = (await (await fetch(`${app.url}/web/session`, { method: 'POST' })).json()) as { token: string };
  const ws = new WebSocket(`${app.url.replace('http', 'ws')}${WEB_SOCKET_PATH}`);
  const received: Record<string, any>[] = [];
  ws.on('message', (data) => received.push(JSON.parse(String(data))));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return { token, ws, received };
}

/** Sends one message and waits for its reply. */
async function ask(c: Client, text: string): Promise<Record<string, any>> {
  const before = c.received.length;
  c.ws.send(JSON.stringify({ type: 'message', text, token: c.token }));
  return eventually(() => c.received[before], 5000);
}

/** Saves the way most editors do: a new file renamed over the old one. */
function save(rel: string, text: string): void {
  const path = join(root, rel);
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

function editAnswer(edit: (answer: Yaml) => void): void {
  const entry = parse(readFileSync(join(root, ENTRY), 'utf8')) as Yaml;
  edit(entry.answer);
  save(ENTRY, stringify(entry));
}

/** Asks again and again until the reply passes `check` (a reload is live within seconds, not at a known moment). */
async function askUntil(c: Client, text: string, check: (reply: Record<string, any>) => boolean, ms = 5000): Promise<Record<string, any>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const reply = await ask(c, text);
    if (check(reply)) return reply;
    if (Date.now() > deadline) throw new Error(`no matching reply in ${ms} ms; last: ${String(reply.text).slice(0, 80)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'jardam-reload-'));
  for (const folder of ['knowledge', 'intents', 'locales', 'public']) cpSync(join(PROJECT_ROOT, folder), join(root, folder), { recursive: true });
  pristine = Object.fromEntries([ENTRY, 'locales/ky/translation.json'].map((rel) => [rel, readFileSync(join(root, rel), 'utf8')]));
  app = await startTestServer({ WEB_SESSION_SECRET: 'x'.repeat(40), RATE_LIMIT_PER_MINUTE: '10000', WATCH_KNOWLEDGE: 'true' }, { root });
});
afterAll(async () => {
  await app?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('hot reload of the knowledge base', () => {
  it('serves a valid edit within seconds, keeps the last good version on an invalid one, and says why', async () => {
    const c = await client();
    const first = await ask(c, QUESTION);
    expect(first).toMatchObject({ kind: 'answer', lang: 'ru' });
    expect(first.text).not.toContain('ПРОВЕРКА');
    expect(app.server.knowledge.status()).toMatchObject({ version: 1, watching: true, stale: false });

    // A valid edit of the answer, and of an interface string in the same save burst.
    const started = Date.now();
    editAnswer((a) => (a.ru = `ПРОВЕРКА ПЕРЕЗАГРУЗКИ. ${a.ru}`));
    const ru = JSON.parse(readFileSync(join(root, 'locales/ru/translation.json'), 'utf8')) as Yaml;
    ru.web.placeholder = 'Новая подсказка';
    save('locales/ru/translation.json', JSON.stringify(ru, null, 2));
    const updated = await askUntil(c, QUESTION, (r) => String(r.text).includes('ПРОВЕРКА ПЕРЕЗАГРУЗКИ'));
    const liveMs = Date.now() - started;
    expect(updated.kind).toBe('answer');
    expect(liveMs).toBeLessThan(5000);
    const session = (await (await fetch(`${app.url}/web/session`, { method: 'POST' })).json()) as { strings: Record<string, Record<string, string>> };
    expect(session.strings.ru!['web.placeholder']).toBe('Новая подсказка');
    await app.server.knowledge.idle();
    const afterValid = app.server.knowledge.status();
    expect(afterValid.version).toBeGreaterThanOrEqual(2);
    expect(afterValid.lastRejection).toBeUndefined();

    // An invalid edit: the Kyrgyz answer emptied, and the Kyrgyz locale file cut short. Rejected,
    // reported, and the last good text still served.
    const rejections: unknown[] = [];
    app.server.knowledge.onRejected((r) => rejections.push(r));
    const kyLocale = readFileSync(join(root, 'locales/ky/translation.json'), 'utf8');
    editAnswer((a) => {
      a.ru = `НЕВЕРНАЯ ПРАВКА. ${a.ru}`;
      a.ky = '';
    });
    save('locales/ky/translation.json', kyLocale.slice(0, 200));
    const rejection = await eventually(() => app.server.knowledge.status().lastRejection, 5000);
    expect(rejection.problems).toContainEqual(expect.objectContaining({ file: ENTRY, field: 'answer.ky', lang: 'ky', severity: 'error' }));
    expect(rejection.problems).toContainEqual(expect.objectContaining({ file: 'locales/ky/translation.json', field: '', lang: 'ky', message: expect.stringMatching(/not valid JSON/) }));
    await app.server.knowledge.idle();
    expect(rejections).toEqual([rejection]);
    const status = app.server.knowledge.status();
    expect(status).toMatchObject({ version: afterValid.version, stale: true });
    const still = await ask(c, QUESTION);
    expect(still.text).toContain('ПРОВЕРКА ПЕРЕЗАГРУЗКИ');
    expect(still.text).not.toContain('НЕВЕРНАЯ ПРАВКА');

    // Fixed: served again, and no longer stale.
    save('locales/ky/translation.json', kyLocale);
    editAnswer((a) => {
      a.ru = String(a.ru).replace('НЕВЕРНАЯ ПРАВКА. ', 'ИСПРАВЛЕНО. ');
      a.ky = 'Балдарга жана үй-бүлөгө 111 линиясы күнү-түнү жардам берет.';
    });
    await askUntil(c, QUESTION, (r) => String(r.text).includes('ИСПРАВЛЕНО'));
    expect(app.server.knowledge.status()).toMatchObject({ stale: false, version: afterValid.version + 1 });
    c.ws.close();
  });

  it('answers every message sent while the files change and reload', async () => {
    const clients = await Promise.all(Array.from({ length: 10 }, () => client()));
    for (const [rel, text] of Object.entries(pristine)) save(rel, text);
    const base = String((parse(readFileSync(join(root, ENTRY), 'utf8')) as Yaml).answer.ru);
    editAnswer((a) => (a.ru = `ВЕРСИЯ A. ${base}`));
    await askUntil(clients[0]!, QUESTION, (r) => String(r.text).includes('ВЕРСИЯ A.'));
    await app.server.knowledge.idle();
    const before = clients[0]!.received.length;
    let reloaded = false;
    app.server.knowledge.onReloaded(() => (reloaded = true));

    // 50 messages from 10 browsers, one every 20 ms; the file is saved after the sixth. The last
    // ten wait for the reload, so messages go out before, around and after the swap.
    const sent = 50;
    for (let i = 0; i < sent; i++) {
      if (i === 40) await eventually(() => (reloaded ? true : undefined), 5000);
      const c = clients[i % clients.length]!;
      c.ws.send(JSON.stringify({ type: 'message', text: QUESTION, token: c.token }));
      if (i === 5) editAnswer((a) => (a.ru = `ВЕРСИЯ B. ${base}`));
      await new Promise((r) => setTimeout(r, 20));
    }
    const count = () => clients.reduce((n, c) => n + c.received.length, 0) - before;
    await eventually(() => (count() >= sent ? true : undefined), 10_000);
    const replies = [clients[0]!.received.slice(before), ...clients.slice(1).map((c) => c.received)].flat();
    expect(replies).toHaveLength(sent);
    expect(replies.every((r) => r.type === 'message' && r.kind === 'answer')).toBe(true);
    const versions = replies.map((r) => /ВЕРСИЯ ([AB])\./.exec(String(r.text))?.[1]);
    expect(versions.filter((v) => v === undefined)).toEqual([]);
    expect(versions).toContain('A');
    expect(versions).toContain('B');
    for (const c of clients) c.ws.close();
  });
});
