/**
 * The caseworkers' console over real HTTP: login, lockout, cookies, roles, CSRF defences, the
 * ticket workflow through the desk (with a family on the web chat's websocket), relay, and the
 * administrators' reports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { eventually, startTestServer, type TestServer } from '../helpers/server.js';
import { realEngine } from '../helpers/kb.js';
import { hashPassword } from '../../src/accounts/password.js';
import { WEB_SOCKET_PATH } from '../../src/channels/web/chat.js';
import { ConsoleSessions, COOKIE_NAME, SESSION_TTL_MS } from '../../src/console/session.js';
import { MAX_FAILURES } from '../../src/console/lockout.js';
import { relay } from '../../src/handoff/relay.js';
import { SECRET_FILES } from '../../src/server/secret.js';
import type { Account } from '../../src/store/types.js';

const engine = realEngine();
const PASSWORD = 'a long enough password';
let app: TestServer;
let dataDir: string;

interface Response {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

async function call(method: 'GET' | 'POST', path: string, options: { cookie?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { ...(method === 'POST' ? { 'content-type': 'application/json' } : {}), ...(options.cookie ? { cookie: options.cookie } : {}), ...options.headers };
  const res = await fetch(`${app.url}${path}`, { method, headers, ...(method === 'POST' ? { body: options.raw ?? JSON.stringify(options.body ?? {}) } : {}) });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text, headers: res.headers };
}

async function login(username: string, password = PASSWORD): Promise<string> {
  const res = await call('POST', '/console/login', { body: { username, password } });
  expect(res.status, res.text).toBe(200);
  const setCookie = res.headers.get('set-cookie')!;
  return setCookie.split(';')[0]!;
}

async function createAccount(username: string, role: Account['role']): Promise<void> {
  expect(await app.server.store.createAccount({ username, role, passwordHash: await hashPassword(PASSWORD), createdAt: Date.now() })).toBe(true);
}

/** A family in the web chat, connected on the websocket: caseworkers' replies reach it at once. */
async function webFamily(): Promise<{ user: string; token: string; ws: WebSocket; received: Record<string, any>[]; send(message: Record<string, unknown>): Promise<Record<string, any>> }> {
  const session = (await (await fetch(`${app.url}/web/session`, { method: 'POST' })).json()) as { token: string; user: string };
  const ws = new WebSocket(`${app.url.replace('http', 'ws')}${WEB_SOCKET_PATH}`);
  const received: Record<string, any>[] = [];
  ws.on('message', (data) => received.push(JSON.parse(String(data))));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return {
    ...session,
    ws,
    received,
    async send(message) {
      const before = received.length;
      ws.send(JSON.stringify({ type: 'message', token: session.token, ...message }));
      return eventually(() => received[before]);
    },
  };
}

const audit = async () => app.server.store.auditLog(200);

/** Polls an asynchronous check until it returns a value. */
async function until<T>(check: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'jardam-console-'));
  app = await startTestServer({ DATA_DIR: dataDir, WEB_SESSION_SECRET: 'x'.repeat(40), RATE_LIMIT_PER_MINUTE: '10000' });
  await Promise.all([createAccount('alice', 'caseworker'), createAccount('bob', 'caseworker'), createAccount('root', 'admin')]);
});
afterAll(async () => {
  await app?.stop();
});

describe('the console page', () => {
  it('serves the page, its script and style, and its strings in three languages', async () => {
    const page = await call('GET', '/console');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.text).toContain('/console/console.js');
    expect((await call('GET', '/console/console.js')).headers.get('content-type')).toContain('javascript');
    expect((await call('GET', '/console/console.css')).headers.get('content-type')).toContain('text/css');
    const { body } = await call('GET', '/console/strings');
    expect(body.lang).toBe('ru');
    for (const lang of ['fr', 'ru', 'ky'] as const) {
      expect(body.strings[lang]['console.title']).toBe(engine.t(lang, 'console.title'));
      expect(body.strings[lang]['caseworker.delivery.window-closed']).toBe(engine.t(lang, 'caseworker.delivery.window-closed'));
    }
  });
});

describe('login', () => {
  it('logs in with the right password: a signed HttpOnly SameSite=Strict cookie for 12 hours, audited', async () => {
    const res = await call('POST', '/console/login', { body: { username: 'alice', password: PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ username: 'alice', role: 'caseworker' });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(new RegExp(`^${COOKIE_NAME}=[\\w-]+\\.[\\w-]+;`));
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    expect(cookie).toContain(`Max-Age=${SESSION_TTL_MS / 1000}`);
    const me = await call('GET', '/console/api/me', { cookie: cookie.split(';')[0] });
    expect(me.body).toEqual({ username: 'alice', role: 'caseworker' });
    expect((await audit()).some((r) => r.action === 'console.login' && r.actor === 'alice')).toBe(true);
  });

  it('refuses a wrong password or an unknown name with the same generic 401, audited', async () => {
    const wrong = await call('POST', '/console/login', { body: { username: 'bob', password: 'not the password' } });
    const unknown = await call('POST', '/console/login', { body: { username: 'nobody', password: 'not the password' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const failed = (await audit()).filter((r) => r.action === 'console.login_failed');
    expect(failed.map((r) => r.target)).toEqual(expect.arrayContaining(['bob', 'nobody']));
    // The password itself is never written anywhere.
    expect(JSON.stringify(await audit())).not.toContain('not the password');
  });

  it(`locks a username for 15 minutes after ${MAX_FAILURES} failures, even with the right password`, async () => {
    await createAccount('carol', 'caseworker');
    for (let i = 0; i < MAX_FAILURES; i++) {
      expect((await call('POST', '/console/login', { body: { username: 'carol', password: `wrong password ${i}` } })).status).toBe(401);
    }
    const locked = await call('POST', '/console/login', { body: { username: 'Carol', password: PASSWORD } });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    expect(locked.headers.get('set-cookie')).toBeNull();
    const failures = (await audit()).filter((r) => r.action === 'console.login_failed' && r.target === 'carol');
    // Each wrong password is audited, the one that locked the name says so; refusals while locked are not (no flooding).
    expect(failures).toHaveLength(MAX_FAILURES);
    expect(failures[0]!.detail).toBe('locked');
    // Other accounts are not affected.
    await login('bob');
  });

  it('validates the login body with errors naming the field', async () => {
    const res = await call('POST', '/console/login', { body: { username: 'alice' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain('password');
    const bad = await call('POST', '/console/login', { raw: '{not json' });
    expect(bad.status).toBe(400);
  });

  it('logs out: the cookie is removed, and the logout is audited', async () => {
    const cookie = await login('bob');
    const res = await call('POST', '/console/logout', { cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(new RegExp(`^${COOKIE_NAME}=;.*Max-Age=0`));
    expect((await audit()).some((r) => r.action === 'console.logout' && r.actor === 'bob')).toBe(true);
  });
});

describe('sessions', () => {
  const secret = () => readFileSync(join(dataDir, SECRET_FILES.console), 'utf8').trim();

  it('refuses requests without a cookie', async () => {
    for (const path of ['/console/api/me', '/console/api/tickets', '/console/api/admin/stats']) {
      const res = await call('GET', path);
      expect(res.status, path).toBe(401);
      expect(res.body.error).toBeTruthy();
    }
  });

  it('refuses forged cookies: edited payload, wrong key, garbage', async () => {
    const cookie = await login('alice');
    const [payload, signature] = cookie.slice(COOKIE_NAME.length + 1).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const promoted = Buffer.from(JSON.stringify({ ...claims, u: 'root', r: 'admin' })).toString('base64url');
    const account = (await app.server.store.account('root'))!;
    const otherKey = new ConsoleSessions('some other secret').issue(account).value;
    for (const value of [`${promoted}.${signature}`, otherKey, 'garbage', `${payload}.${'A'.repeat(signature!.length)}`, `${payload}.${signature}.extra`]) {
      const res = await call('GET', '/console/api/admin/stats', { cookie: `${COOKIE_NAME}=${value}` });
      expect(res.status, value).toBe(401);
    }
  });

  it('refuses an expired cookie signed with the right key', async () => {
    const account = (await app.server.store.account('alice'))!;
    const yesterday = new ConsoleSessions(secret(), () => Date.now() - SESSION_TTL_MS - 1000).issue(account).value;
    const res = await call('GET', '/console/api/me', { cookie: `${COOKIE_NAME}=${yesterday}` });
    expect(res.status).toBe(401);
    expect(res.body.error).toContain('expired');
    // The same key, in date: accepted (the file is what every instance must share).
    const fresh = new ConsoleSessions(secret()).issue(account).value;
    expect((await call('GET', '/console/api/me', { cookie: `${COOKIE_NAME}=${fresh}` })).status).toBe(200);
  });

  it('ends a deleted account’s sessions at once, and a recreated account does not inherit them', async () => {
    await createAccount('dave', 'caseworker');
    const cookie = await login('dave');
    expect((await call('GET', '/console/api/tickets', { cookie })).status).toBe(200);
    expect(await app.server.store.deleteAccount('dave')).toBe(true);
    expect((await call('GET', '/console/api/tickets', { cookie })).status).toBe(401);
    await createAccount('dave', 'admin');
    expect((await call('GET', '/console/api/admin/audit', { cookie })).status).toBe(401);
  });

  it('keeps caseworkers out of the administrators’ endpoints (403)', async () => {
    const cookie = await login('alice');
    for (const path of ['stats', 'stats?format=csv', 'gaps', 'gaps?format=csv', 'knowledge', 'audit', 'accounts']) {
      const res = await call('GET', `/console/api/admin/${path}`, { cookie });
      expect(res.status, path).toBe(403);
      expect(res.body.error).toBeTruthy();
    }
  });
});

describe('CSRF and request limits', () => {
  it('refuses a POST without a JSON content type', async () => {
    const cookie = await login('alice');
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await call('POST', '/console/api/ticket/take', { cookie, raw: '{"id":1}', headers: { 'content-type': type } });
      expect(res.status, type).toBe(415);
    }
    const loginForm = await call('POST', '/console/login', { raw: 'username=alice&password=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(loginForm.status).toBe(415);
  });

  it('refuses a POST from a foreign origin, accepts one from its own', async () => {
    const cookie = await login('alice');
    for (const origin of ['https://evil.example', 'null', `${app.url}.evil.example`]) {
      const res = await call('POST', '/console/api/relay', { cookie, body: { question: 'что такое 111', lang: 'ky' }, headers: { origin } });
      expect(res.status, origin).toBe(403);
    }
    const logins = await call('POST', '/console/login', { body: { username: 'alice', password: PASSWORD }, headers: { origin: 'https://evil.example' } });
    expect(logins.status).toBe(403);
    const same = await call('POST', '/console/api/relay', { cookie, body: { question: 'что такое 111', lang: 'ky' }, headers: { origin: app.url } });
    expect(same.status).toBe(200);
  });

  it('limits bodies (413) and validates them, naming the field (400)', async () => {
    const cookie = await login('alice');
    const huge = await call('POST', '/console/api/ticket/reply', { cookie, body: { id: 1, text: 'x'.repeat(40_000) } });
    expect(huge.status).toBe(413);
    const long = await call('POST', '/console/api/ticket/reply', { cookie, body: { id: 1, text: 'я'.repeat(4001) } });
    expect(long.status).toBe(400);
    expect(long.body.error).toMatch(/^text: /);
    const badId = await call('POST', '/console/api/ticket/take', { cookie, body: { id: 'one' } });
    expect(badId.status).toBe(400);
    expect(badId.body.error).toMatch(/^id: /);
    const badLang = await call('POST', '/console/api/relay', { cookie, body: { question: 'x', lang: 'en' } });
    expect(badLang.status).toBe(400);
    expect(badLang.body.error).toContain('lang');
    expect((await call('GET', '/console/api/ticket?id=abc', { cookie })).status).toBe(400);
    expect((await call('GET', '/console/api/ticket?id=999999', { cookie })).status).toBe(404);
  });
});

describe('tickets through the desk', () => {
  it('shows a family’s ticket without its address; take, reply and close work and are audited', async () => {
    const family = await webFamily();
    await family.send({ action: 'lang:ru' });
    await family.send({ action: 'country:KZ' });
    await family.send({ text: 'что такое линия 111' });
    const opened = await family.send({ action: 'intent:human' });
    expect(opened.text).toBe(engine.t('ru', 'handoff.opened'));
    family.ws.send(JSON.stringify({ type: 'message', token: family.token, text: 'Помогите, пожалуйста, с регистрацией ребенка' }));

    const alice = await login('alice');
    const list = await call('GET', '/console/api/tickets', { cookie: alice });
    expect(list.status).toBe(200);
    const ticket = list.body.tickets.find((t: any) => t.status === 'open' && t.channel === 'web');
    expect(ticket).toMatchObject({ status: 'open', channel: 'web', lang: 'ru', country: 'KZ', reason: 'asked', mine: false });
    expect(ticket.heading).toContain(`#${ticket.id}`);
    // Never the family's address (its web user id here, a phone number on WhatsApp), nor its key.
    expect(list.text).not.toContain(family.user);
    expect(list.text).not.toMatch(/address|userKey/);

    const detail = await until(async () => {
      const res = await call('GET', `/console/api/ticket?id=${ticket.id}`, { cookie: alice });
      return res.body.ticket.messages.length > 0 ? res : undefined;
    });
    expect(detail.text).not.toContain(family.user);
    expect(detail.body.ticket.messages[0]).toMatchObject({ from: 'family', text: 'Помогите, пожалуйста, с регистрацией ребенка', delivered: true });
    const answered = detail.body.ticket.recent.find((r: any) => r.kind === 'answer');
    expect(answered.title).toBe(engine.kb.entries.get(answered.entry)!.title.ru);
    expect(answered.text).toBe(engine.t('ru', 'caseworker.recent.answer', { entry: answered.title }));
    // Titles in the language asked for.
    const inFrench = await call('GET', `/console/api/ticket?id=${ticket.id}&lang=fr`, { cookie: alice });
    expect(inFrench.body.ticket.recent.find((r: any) => r.kind === 'answer').title).toBe(engine.kb.entries.get(answered.entry)!.title.fr);

    const take = await call('POST', '/console/api/ticket/take', { cookie: alice, body: { id: ticket.id } });
    expect(take.status).toBe(200);
    expect(take.body.ticket).toMatchObject({ status: 'taken', caseworker: 'alice', mine: true });

    // Another caseworker cannot take, answer or close it.
    const bob = await login('bob');
    for (const [path, body] of [
      ['take', { id: ticket.id }],
      ['reply', { id: ticket.id, text: 'bonjour' }],
      ['close', { id: ticket.id }],
    ] as const) {
      const res = await call('POST', `/console/api/ticket/${path}`, { cookie: bob, body });
      expect(res.status, path).toBe(409);
      expect(res.body.refusal).toBe('taken-by-other');
      expect(res.body.error).toBe(engine.t('ru', 'caseworker.refusal.taken-by-other', { id: ticket.id }));
    }

    const before = family.received.length;
    const reply = await call('POST', '/console/api/ticket/reply', { cookie: alice, body: { id: ticket.id, text: 'Здравствуйте! Позвоните по номеру 111.' } });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ result: 'sent', delivered: true, message: engine.t('ru', 'caseworker.delivery.sent') });
    const delivered = await eventually(() => family.received[before]);
    expect(delivered.text).toBe(engine.t('ru', 'handoff.from_caseworker', { text: 'Здравствуйте! Позвоните по номеру 111.' }));

    const close = await call('POST', '/console/api/ticket/close', { cookie: alice, body: { id: ticket.id } });
    expect(close.status).toBe(200);
    expect(close.body).toMatchObject({ result: 'sent', ticket: { status: 'closed' } });
    expect((await eventually(() => family.received[before + 1])).text).toBe(engine.t('ru', 'handoff.closed'));
    const again = await call('POST', '/console/api/ticket/close', { cookie: alice, body: { id: ticket.id } });
    expect(again.status).toBe(409);
    expect(again.body.refusal).toBe('closed');

    const log = await audit();
    for (const action of ['ticket.take', 'ticket.reply', 'ticket.close']) {
      expect(log.some((r) => r.action === action && r.actor === 'alice' && r.target === String(ticket.id)), action).toBe(true);
    }
    expect(log.find((r) => r.action === 'ticket.reply' && r.target === String(ticket.id))!.detail).toBe('sent');

    // Closed tickets come after the active ones.
    const after = (await call('GET', '/console/api/tickets', { cookie: alice })).body.tickets;
    const statuses = after.map((t: any) => t.status);
    expect(statuses.indexOf('closed')).toBeGreaterThanOrEqual(statuses.lastIndexOf('open'));
    expect(after.find((t: any) => t.id === ticket.id).status).toBe('closed');
    family.ws.close();
  });

  it('says when the family is offline: the reply waits for its return', async () => {
    const family = { channel: 'web' as const, id: 'offline-family-1' };
    await app.server.conversation.handle(family, { action: 'lang:ky' });
    const opened = await app.server.conversation.handle(family, { action: 'intent:human' });
    expect(opened?.text).toBe(engine.t('ky', 'handoff.opened'));
    const alice = await login('alice');
    const ticket = (await call('GET', '/console/api/tickets', { cookie: alice })).body.tickets.find((t: any) => t.status === 'open' && t.lang === 'ky');
    const reply = await call('POST', '/console/api/ticket/reply', { cookie: alice, body: { id: ticket.id, text: 'Саламатсызбы!' } });
    expect(reply.body).toMatchObject({ result: 'offline', delivered: false, message: engine.t('ru', 'caseworker.delivery.offline') });
    const detail = await call('GET', `/console/api/ticket?id=${ticket.id}`, { cookie: alice });
    expect(detail.body.ticket.messages.at(-1)).toMatchObject({ from: 'caseworker', author: 'alice', text: 'Саламатсызбы!', delivered: false });
    expect(detail.text).not.toContain('offline-family-1');
    // The family gets it when it comes back.
    expect(await app.server.conversation.undelivered(family)).toEqual([engine.t('ky', 'handoff.from_caseworker', { text: 'Саламатсызбы!' })]);
  });
});

describe('relay', () => {
  it('returns the answer in the requested language with its source line and no buttons', async () => {
    const alice = await login('alice');
    const question = 'что такое линия 111';
    const sources = { fr: 'Source :', ru: 'Источник:', ky: 'Булагы:' } as const;
    for (const lang of ['fr', 'ru', 'ky'] as const) {
      expect(engine.t(lang, 'answer.source', { sources: 'S', date: 'D' }).startsWith(sources[lang])).toBe(true);
      const res = await call('POST', '/console/api/relay', { cookie: alice, body: { question, lang, country: 'KZ' } });
      expect(res.status).toBe(200);
      const expected = relay(engine, question, lang, 'ru', 'KZ');
      expect(expected.found).toBe(true);
      expect(res.body).toMatchObject({ found: true, text: expected.text, lang });
      expect(res.body.text).toContain(sources[lang]);
      expect(res.body).not.toHaveProperty('options');
      expect(res.body.text).not.toMatch(/^\s*\d+[.)]\s/m);
    }
  });

  it('explains in the caseworker’s language when there is nothing to forward', async () => {
    const alice = await login('alice');
    const res = await call('POST', '/console/api/relay', { cookie: alice, body: { question: 'какая погода на Марсе завтра', lang: 'fr', staffLang: 'ky' } });
    expect(res.body.found).toBe(false);
    expect(res.body.text).toBe(relay(engine, 'какая погода на Марсе завтра', 'fr', 'ky').text);
  });
});

describe('administrators', () => {
  it('see statistics that reflect the recorded turns, as JSON and CSV', async () => {
    const { store } = app.server;
    const at = Date.now();
    for (const kind of ['answer', 'answer', 'answer', 'fallback'] as const) await store.recordTurn({ at, channel: 'telegram', lang: 'ky', country: 'KG', kind, topic: 'test-topic' });
    await store.recordFeedback({ at, channel: 'telegram', lang: 'ky', country: 'KG', topic: 'test-topic', value: 'up' });
    const root = await login('root');
    const res = await call('GET', '/console/api/admin/stats', { cookie: root });
    expect(res.status).toBe(200);
    const row = res.body.stats.by.topic.find((r: any) => r.value === 'test-topic');
    expect(row).toMatchObject({ questions: 4, kinds: { answer: 3, fallback: 1 }, up: 1, down: 0 });
    expect(row.rates.answer).toBe(0.75);
    expect(res.body.stats.total.questions).toBeGreaterThanOrEqual(4);

    const csv = await call('GET', '/console/api/admin/stats?format=csv', { cookie: root });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="jardam-stats-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(csv.text.replace(/^\uFEFF/, '').split('\n')[0]).toContain('dimension,value,questions');
    expect(csv.text).toContain('topic,test-topic,4,3,0,1,0,');
  });

  it('see knowledge gaps grouped from the recorded questions, as JSON and CSV', async () => {
    const { store } = app.server;
    const base = { userKey: 'web:gap-test', channel: 'web' as const, lang: 'ru' as const, reason: 'fallback' as const };
    for (const text of ['сколько стоит патент в Москве', 'Сколько стоит патент в москве?', 'skolko stoit patent v Moskve']) await store.addQuestion({ ...base, at: Date.now(), text });
    const root = await login('root');
    const res = await call('GET', '/console/api/admin/gaps', { cookie: root });
    expect(res.status).toBe(200);
    const group = res.body.gaps.find((g: any) => g.examples.some((e: string) => /патент/i.test(e)));
    expect(group).toMatchObject({ lang: 'ru', count: 3, reasons: { fallback: 3 } });
    const csv = await call('GET', '/console/api/admin/gaps?format=csv', { cookie: root });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.text).toContain('сколько стоит патент в Москве');
  });

  it('see the knowledge base status, the audit log and the accounts without password hashes', async () => {
    const root = await login('root');
    const knowledge = await call('GET', '/console/api/admin/knowledge', { cookie: root });
    expect(knowledge.body.knowledge).toMatchObject({ version: 1, entries: engine.kb.entries.size, stale: false });
    const log = await call('GET', '/console/api/admin/audit', { cookie: root });
    expect(log.body.audit.length).toBeGreaterThan(0);
    expect(log.body.audit.length).toBeLessThanOrEqual(200);
    expect(log.body.audit[0].at).toBeGreaterThanOrEqual(log.body.audit.at(-1).at);
    expect(log.body.audit.some((r: any) => r.action === 'console.login' && r.actor === 'root')).toBe(true);
    const accounts = await call('GET', '/console/api/admin/accounts', { cookie: root });
    expect(accounts.body.accounts.map((a: any) => a.username)).toEqual(expect.arrayContaining(['alice', 'bob', 'root']));
    expect(accounts.text).not.toMatch(/scrypt|passwordHash/);
  });
});
