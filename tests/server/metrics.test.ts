/**
 * Prometheus metrics at /metrics, over real HTTP: messages by channel, kind and language, the
 * reply-time histogram, errors where they are caught, open tickets read from the store at scrape
 * time, the optional bearer token, and nothing in the output that says who wrote or what.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConfigError, loadConfig } from '../../src/config.js';
import { WEB_SOCKET_PATH } from '../../src/channels/web/chat.js';
import { signBody } from '../../src/channels/whatsapp/signature.js';
import { ERROR_PLACES } from '../../src/server/metrics.js';
import { TELEGRAM_WEBHOOK_PATH, WHATSAPP_WEBHOOK_PATH } from '../../src/server/start.js';
import { FakeGraph, waTextPayload } from '../helpers/fake-graph.js';
import { FakeTelegram, textUpdate } from '../helpers/fake-telegram.js';
import { eventually, postUpdate, startTestServer, TELEGRAM_SECRET, type TestServer } from '../helpers/server.js';

const TOKEN = 'metrics-token-0123456789';
const APP_SECRET = 'whatsapp-app-secret';

let app: TestServer | undefined;
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await app?.stop();
  app = undefined;
  for (const stop of cleanup.splice(0)) await stop();
});

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

interface Exposition {
  readonly samples: Sample[];
  /** `# TYPE` of each metric family. */
  readonly types: Map<string, string>;
}

/** Parses the Prometheus text format (0.0.4) strictly: every line is a comment, blank, or a sample. */
function parse(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE ([a-zA-Z_:][\w:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    expect(sample, `not a sample line: ${line}`).not.toBeNull();
    const labels: Record<string, string> = {};
    const body = sample![2] ?? '';
    const label = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)",?/gy;
    let consumed = 0;
    for (let m = label.exec(body); m; m = label.exec(body)) {
      labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      consumed = label.lastIndex;
    }
    expect(consumed, `malformed labels: ${line}`).toBe(body.length);
    const raw = sample![3]!;
    // Prometheus reads floats as Go does: NaN in any case (prom-client writes `Nan`), ±Inf.
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : /^nan$/i.test(raw) ? NaN : Number(raw);
    expect(Number.isNaN(value) && !/^nan$/i.test(raw), `bad value: ${line}`).toBe(false);
    samples.push({ name: sample![1]!, labels, value });
  }
  return { samples, types };
}

async function scrape(url: string, headers: Record<string, string> = {}): Promise<{ text: string; metrics: Exposition }> {
  const res = await fetch(`${url}/metrics`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  return { text, metrics: parse(text) };
}

const of = (m: Exposition, name: string) => m.samples.filter((s) => s.name === name);
const value = (m: Exposition, name: string, labels: Record<string, string> = {}) =>
  of(m, name).find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v) && Object.keys(s.labels).length === Object.keys(labels).length)?.value;
/** `{channel/kind/lang: count}` of jardam_messages_total. */
const messages = (m: Exposition) =>
  Object.fromEntries(of(m, 'jardam_messages_total').map((s) => [`${s.labels.channel}/${s.labels.kind}/${s.labels.lang}`, s.value]));

describe('/metrics', () => {
  it('counts messages by channel, kind and language, and times every one', async () => {
    app = await startTestServer({ WEB_CHAT: 'false' });
    const { conversation } = app.server;
    const replies = [
      await conversation.handle({ channel: 'web', id: 'w1' }, { text: 'что такое линия 1899' }),
      await conversation.handle({ channel: 'telegram', id: '501' }, { text: 'mon mari frappe mon fils' }),
      await conversation.handle({ channel: 'whatsapp', id: '996700000001' }, { text: 'quel temps fait-il à Paris zorblax' }),
      await conversation.handle({ channel: 'web', id: 'w2' }, { text: 'balamdy mektepke kantip berem' }),
      await conversation.handle({ channel: 'web', id: 'w1' }, { text: 'что такое линия 1899' }),
    ];
    expect(replies.map((r) => `${r?.kind}/${r?.lang}`)).toEqual(['answer/ru', 'emergency/fr', 'fallback/fr', 'answer/ky', 'answer/ru']);

    const { metrics } = await scrape(app.url);
    expect(metrics.types.get('jardam_messages_total')).toBe('counter');
    expect(metrics.types.get('jardam_message_duration_seconds')).toBe('histogram');
    expect(metrics.types.get('jardam_errors_total')).toBe('counter');
    expect(metrics.types.get('jardam_open_tickets')).toBe('gauge');
    // An emergency is a kind of message, not a metric of its own.
    expect(metrics.types.has('jardam_emergencies_total')).toBe(false);
    expect(messages(metrics)).toEqual({ 'web/answer/ru': 2, 'telegram/emergency/fr': 1, 'whatsapp/fallback/fr': 1, 'web/answer/ky': 1 });

    // The histogram holds every message once, per channel, with cumulative buckets ending at +Inf.
    expect(value(metrics, 'jardam_message_duration_seconds_count', { channel: 'web' })).toBe(3);
    expect(value(metrics, 'jardam_message_duration_seconds_count', { channel: 'telegram' })).toBe(1);
    expect(value(metrics, 'jardam_message_duration_seconds_count', { channel: 'whatsapp' })).toBe(1);
    const total = of(metrics, 'jardam_message_duration_seconds_count').reduce((sum, s) => sum + s.value, 0);
    expect(total).toBe(replies.length);
    const webBuckets = of(metrics, 'jardam_message_duration_seconds_bucket').filter((s) => s.labels.channel === 'web');
    expect(webBuckets.map((s) => s.labels.le)).toEqual(['0.001', '0.0025', '0.005', '0.01', '0.02', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '+Inf']);
    for (const [i, bucket] of webBuckets.entries()) if (i > 0) expect(bucket.value).toBeGreaterThanOrEqual(webBuckets[i - 1]!.value);
    expect(webBuckets.at(-1)!.value).toBe(3);
    const sum = value(metrics, 'jardam_message_duration_seconds_sum', { channel: 'web' })!;
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(5);

    // Every error place is there from the start, at zero.
    for (const where of ERROR_PLACES) expect(value(metrics, 'jardam_errors_total', { where })).toBe(0);
    expect(of(metrics, 'jardam_errors_total')).toHaveLength(ERROR_PLACES.length);
    // The Node process metrics, under the same prefix.
    expect(metrics.types.get('jardam_process_cpu_user_seconds_total')).toBe('counter');
    expect(value(metrics, 'jardam_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts a deliberate silence as kind "silent" with language "none"', async () => {
    app = await startTestServer({ WEB_CHAT: 'false', RATE_LIMIT_PER_MINUTE: '1' });
    const user = { channel: 'telegram' as const, id: '777' };
    const { conversation } = app.server;
    expect((await conversation.handle(user, { text: 'что такое линия 1899' }))?.kind).toBe('answer');
    expect((await conversation.handle(user, { text: 'что такое линия 1899' }))?.kind).toBe('intent'); // the limit, explained once
    expect(await conversation.handle(user, { text: 'что такое линия 1899' })).toBeUndefined();
    expect(await conversation.handle(user, { text: 'что такое линия 1899' })).toBeUndefined();
    // Emergencies are never limited.
    expect((await conversation.handle(user, { text: 'мой муж бьет ребенка' }))?.kind).toBe('emergency');

    const { metrics } = await scrape(app.url);
    expect(messages(metrics)).toEqual({ 'telegram/answer/ru': 1, 'telegram/intent/ru': 1, 'telegram/silent/none': 2, 'telegram/emergency/ru': 1 });
    expect(value(metrics, 'jardam_message_duration_seconds_count', { channel: 'telegram' })).toBe(5);
  });

  it('reads open and taken tickets from the store at each scrape', async () => {
    app = await startTestServer({ WEB_CHAT: 'false' });
    const { desk, conversation } = app.server;
    const tickets = async () => {
      const { metrics } = await scrape(app!.url);
      return { open: value(metrics, 'jardam_open_tickets', { status: 'open' }), taken: value(metrics, 'jardam_open_tickets', { status: 'taken' }) };
    };
    expect(await tickets()).toEqual({ open: 0, taken: 0 });

    const family = (id: string) => ({ channel: 'web' as const, id });
    const open = (id: string) => desk.open({ user: family(id), key: conversation.keyOf(family(id)), lang: 'ru', reason: 'asked', recent: [] });
    const first = await open('f1');
    const second = await open('f2');
    expect(await tickets()).toEqual({ open: 2, taken: 0 });
    expect((await desk.take(first.ticket.id, 'anna')).ok).toBe(true);
    expect(await tickets()).toEqual({ open: 1, taken: 1 });
    expect((await desk.close(second.ticket.id, 'anna')).ok).toBe(true);
    expect(await tickets()).toEqual({ open: 0, taken: 1 });

    // The family whose ticket a caseworker has: the bot keeps silent, and that is counted.
    expect(await conversation.handle(family('f1'), { text: 'что такое линия 1899' })).toBeUndefined();
    const { metrics } = await scrape(app.url);
    expect(messages(metrics)).toEqual({ 'web/silent/none': 1 });

    expect((await desk.close(first.ticket.id, 'anna')).ok).toBe(true);
    expect(await tickets()).toEqual({ open: 0, taken: 0 });
  });

  it('still answers when the database is down: no ticket numbers, storage errors counted', async () => {
    app = await startTestServer({ WEB_CHAT: 'false' });
    await app.server.store.close();
    expect((await app.server.conversation.handle({ channel: 'web', id: 'x' }, { text: 'мой муж бьет ребенка' }))?.kind).toBe('emergency');

    const { metrics } = await scrape(app.url);
    expect(metrics.types.get('jardam_open_tickets')).toBe('gauge');
    expect(of(metrics, 'jardam_open_tickets')).toEqual([]);
    expect(value(metrics, 'jardam_errors_total', { where: 'storage' })).toBeGreaterThanOrEqual(2);
    expect(messages(metrics)).toEqual({ 'web/emergency/ru': 1 });
  });

  it('wants the bearer token when METRICS_TOKEN is set', async () => {
    app = await startTestServer({ WEB_CHAT: 'false', METRICS_TOKEN: TOKEN });
    for (const headers of [{} as Record<string, string>, { authorization: `Bearer ${TOKEN}x` }, { authorization: 'Bearer wrong' }, { authorization: `Basic ${TOKEN}` }, { authorization: TOKEN }]) {
      const res = await fetch(`${app.url}/metrics`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await res.text()).not.toContain('jardam_');
    }
    const { metrics } = await scrape(app.url, { authorization: `Bearer ${TOKEN}` });
    expect(metrics.types.get('jardam_messages_total')).toBe('counter');
    // Health checks stay open.
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it('refuses a short METRICS_TOKEN', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ METRICS_TOKEN: 'sixteen chars no' })).toThrow(/METRICS_TOKEN/);
    expect(loadConfig({ METRICS_TOKEN: TOKEN }).metricsToken).toBe(TOKEN);
    expect(loadConfig({}).metricsToken).toBeUndefined();
  });

  it('counts HTTP 500 answers, not refusals', async () => {
    app = await startTestServer({ WEB_CHAT: 'false' });
    app.server.app.route({
      method: 'GET',
      path: '/boom',
      handler: () => {
        throw new Error('boom');
      },
    });
    expect((await fetch(`${app.url}/boom`)).status).toBe(500);
    expect((await fetch(`${app.url}/nowhere`)).status).toBe(404);
    const { metrics } = await scrape(app.url);
    expect(value(metrics, 'jardam_errors_total', { where: 'http' })).toBe(1);
  });

  it('counts Telegram and WhatsApp sends that failed after retries', async () => {
    const telegram = await new FakeTelegram().start();
    const graph = await new FakeGraph().start();
    cleanup.push(
      () => telegram.stop(),
      () => graph.stop(),
    );
    const secret = 'telegram-secret-0123456789';
    app = await startTestServer({
      WEB_CHAT: 'false',
      TELEGRAM_BOT_TOKEN: '123456:TEST-token',
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: secret,
      TELEGRAM_API_ROOT: telegram.url,
      PUBLIC_URL: 'https://jardam.example.org',
      WHATSAPP_ACCESS_TOKEN: 'graph-token',
      WHATSAPP_PHONE_NUMBER_ID: '1000',
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: 'verify-me-please',
      WHATSAPP_GRAPH_URL: graph.url,
    });

    // A final refusal (400) is not retried: one failed send each.
    telegram.failNext('sendMessage', { status: 400 });
    const tg = await fetch(`${app.url}${TELEGRAM_WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      body: JSON.stringify(textUpdate(6001, 'что такое линия 1899')),
    });
    await tg.text();
    graph.failNext(400);
    const raw = Buffer.from(JSON.stringify(waTextPayload('996700000555', 'что такое линия 1899')));
    const wa = await fetch(`${app.url}${WHATSAPP_WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, APP_SECRET) },
      body: raw,
    });
    expect(wa.status).toBe(200);
    await wa.text();

    const errors = async () => {
      const { metrics: m } = await scrape(app!.url);
      return { telegram: value(m, 'jardam_errors_total', { where: 'telegram_send' }), graph: value(m, 'jardam_errors_total', { where: 'graph_send' }), m };
    };
    const deadline = Date.now() + 5000;
    let seen = await errors();
    while ((seen.telegram !== 1 || seen.graph !== 1) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      seen = await errors();
    }
    expect({ telegram: seen.telegram, graph: seen.graph }).toEqual({ telegram: 1, graph: 1 });
    // The messages were handled all the same (the reply is what failed to go out).
    expect(messages(seen.m)).toEqual({ 'telegram/answer/ru': 1, 'whatsapp/answer/ru': 1 });
    expect(value(seen.m, 'jardam_errors_total', { where: 'conversation' })).toBe(0);
  });

  it('shows the Telegram updates accepted and not answered yet', async () => {
    const telegram = await new FakeTelegram().start();
    cleanup.push(() => telegram.stop());
    app = await startTestServer({
      WEB_CHAT: 'false',
      TELEGRAM_BOT_TOKEN: '123456:TEST-token',
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
      TELEGRAM_API_ROOT: telegram.url,
      PUBLIC_URL: 'https://jardam.example.org',
    });
    expect(value((await scrape(app.url)).metrics, 'jardam_deliveries_waiting', { channel: 'telegram' })).toBe(0);
    // Telegram is slow: the first reply hangs, and one family's next messages wait their turn.
    telegram.delayNext('sendMessage', 1, 1_500);
    for (const text of ['что такое линия 1899', 'что такое линия 111', 'спасибо']) {
      expect(await postUpdate(app, textUpdate(6100, text), TELEGRAM_SECRET, { settle: false })).toBe(200);
    }
    expect(value((await scrape(app.url)).metrics, 'jardam_deliveries_waiting', { channel: 'telegram' })).toBe(3);
    await app.settled();
    expect(telegram.sent()).toHaveLength(3);
    expect(value((await scrape(app.url)).metrics, 'jardam_deliveries_waiting', { channel: 'telegram' })).toBe(0);
  });

  it('holds no message text, user id, phone number or user key', async () => {
    const graph = await new FakeGraph().start();
    cleanup.push(() => graph.stop());
    app = await startTestServer({
      WEB_SESSION_SECRET: 'x'.repeat(40),
      WHATSAPP_ACCESS_TOKEN: 'graph-token',
      WHATSAPP_PHONE_NUMBER_ID: '1000',
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: 'verify-me-please',
      WHATSAPP_GRAPH_URL: graph.url,
    });

    // WhatsApp: the sender is a phone number, and the text names another one.
    const phone = '996700123987';
    const raw = Buffer.from(JSON.stringify(waTextPayload(phone, 'Quxmeridian помогите, мой номер +996 555 987 654')));
    const wa = await fetch(`${app.url}${WHATSAPP_WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, APP_SECRET) },
      body: raw,
    });
    expect(wa.status).toBe(200);
    await eventually(() => graph.delivered()[0]);

    // The web chat, over its websocket.
    const session = (await (await fetch(`${app.url}/web/session`, { method: 'POST' })).json()) as { token: string; user: string };
    const ws = new WebSocket(`${app.url.replace('http', 'ws')}${WEB_SOCKET_PATH}`);
    const received: Record<string, unknown>[] = [];
    ws.on('message', (data) => received.push(JSON.parse(String(data)) as Record<string, unknown>));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ type: 'hello', token: session.token }));
    await eventually(() => received[0]);
    ws.send(JSON.stringify({ type: 'message', text: 'Zorblaxian вопрос, звоните +79161234567', token: session.token }));
    await eventually(() => received[1]);
    ws.close();

    const { text, metrics } = await scrape(app.url);
    const keys = [app.server.conversation.keyOf({ channel: 'whatsapp', id: phone }), app.server.conversation.keyOf({ channel: 'web', id: session.user })];
    for (const secret of ['quxmeridian', 'zorblaxian', phone, '555 987 654', '555987654', '79161234567', '9161234567', session.user, ...keys, ...keys.map((k) => k.split(':').pop()!)]) {
      expect(text.toLowerCase()).not.toContain(secret.toLowerCase());
    }
    // Both messages were counted (and the web chat's greeting), under their channel.
    const byChannel = of(metrics, 'jardam_messages_total').reduce<Record<string, number>>((acc, s) => ({ ...acc, [s.labels.channel!]: (acc[s.labels.channel!] ?? 0) + s.value }), {});
    expect(byChannel).toEqual({ whatsapp: 1, web: 2 });

    // Jardam's own series carry only labels from fixed sets.
    const allowed: Record<string, readonly string[]> = {
      channel: ['telegram', 'whatsapp', 'web'],
      kind: ['answer', 'clarify', 'fallback', 'emergency', 'intent', 'silent'],
      lang: ['fr', 'ru', 'ky', 'none'],
      where: ERROR_PLACES,
      status: ['open', 'taken'],
    };
    const ours = metrics.samples.filter((s) => /^jardam_(messages|message_duration|errors|open_tickets)/.test(s.name));
    expect(ours.length).toBeGreaterThan(0);
    for (const sample of ours) {
      for (const [name, labelValue] of Object.entries(sample.labels)) {
        if (name === 'le') expect(labelValue).toMatch(/^(\d+(\.\d+)?|\+Inf)$/);
        else expect(allowed[name], `label ${name}`).toContain(labelValue);
      }
    }
  });
});
