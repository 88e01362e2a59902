/**
 * Faults: the Telegram Bot API or the Graph API stalls (accepts the request and hangs longer than
 * the client waits). The call is given up, retried with backoff, and the reply reaches the family
 * exactly once. And a reply still on its way after the webhook has answered Telegram is not
 * dropped by a graceful shutdown.
 */
import { describe, it } from 'vitest';
import { FakeTelegram, textUpdate } from '../helpers/fake-telegram.js';
import { FakeGraph, waTextPayload } from '../helpers/fake-graph.js';
import { eventually, postUpdate, startTestServer, TELEGRAM_SECRET, type TestServer } from '../helpers/server.js';
import { signBody } from '../../src/channels/whatsapp/signature.js';
import { WHATSAPP_WEBHOOK_PATH } from '../../src/server/start.js';

const SECRET = TELEGRAM_SECRET;
const APP_SECRET = 'whatsapp-app-secret';
/** Far longer than any client timeout: without a timeout of its own, the reply would wait this long. */
const HANG_MS = 60_000;

const telegramEnv = (apiRoot: string) => ({
  TELEGRAM_BOT_TOKEN: '123456:TEST-token',
  TELEGRAM_MODE: 'webhook',
  TELEGRAM_WEBHOOK_SECRET: SECRET,
  TELEGRAM_API_ROOT: apiRoot,
  PUBLIC_URL: 'https://jardam.example.org',
  WEB_CHAT: 'false',
  SHUTDOWN_TIMEOUT_MS: '20000',
});

/** The webhook's answer only: each test waits for the reply its own way. */
const postTelegram = (app: TestServer, update: Record<string, unknown>) => postUpdate(app, update, SECRET, { settle: false });

describe('a stalled API', () => {
  it.concurrent('Telegram: a hanging sendMessage is given up and retried, the reply is delivered once', async ({ expect }) => {
    const fake = await new FakeTelegram().start();
    const app = await startTestServer(telegramEnv(fake.url));
    try {
      fake.delayNext('sendMessage', 1, HANG_MS);
      expect(await postTelegram(app, textUpdate(7001, 'что такое линия 1899'))).toBe(200);
      // The call times out after 5 s, auto-retry pauses 3 s: usually done before the webhook's 200.
      await eventually(() => (fake.sent().length > 0 ? true : undefined), 15_000);
      expect(fake.calls.map((c) => c.method).filter((m) => m.startsWith('sendMessage'))).toEqual(['sendMessage:abandoned', 'sendMessage']);
      expect(fake.sent()).toHaveLength(1);
      expect(fake.sent()[0]!.chat_id).toBe(7001);
      expect(fake.sent()[0]!.text).toContain('1899');
    } finally {
      await app.stop();
      await fake.stop();
    }
    // Nothing more went out while the server finished.
    expect(fake.sent()).toHaveLength(1);
  });

  it.concurrent('WhatsApp: a hanging Graph send is given up after the client timeout and retried, delivered once', async ({ expect }) => {
    const graph = await new FakeGraph().start();
    const app = await startTestServer({
      WHATSAPP_ACCESS_TOKEN: 'graph-token',
      WHATSAPP_PHONE_NUMBER_ID: '1000',
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: 'verify-me-please',
      WHATSAPP_GRAPH_URL: graph.url,
      WEB_CHAT: 'false',
    });
    try {
      graph.delayNext(1, HANG_MS);
      const raw = Buffer.from(JSON.stringify(waTextPayload('996700007002', 'что такое линия 1899')));
      const res = await fetch(`${app.url}${WHATSAPP_WEBHOOK_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, APP_SECRET) },
        body: raw,
      });
      expect(res.status).toBe(200);
      // GraphClient gives a call 10 s, then backs off 0.5 s.
      const [sent] = await eventually(() => (graph.delivered().length > 0 ? graph.delivered() : undefined), 15_000);
      expect(sent!.to).toBe('996700007002');
      expect(graph.calls.map((c) => Boolean(c.abandoned))).toEqual([true, false]);
    } finally {
      await app.stop();
      await graph.stop();
    }
    // The shutdown waited for the reply work: no second delivery was pending.
    expect(graph.delivered()).toHaveLength(1);
  });

  it.concurrent('Telegram: network errors are retried with backoff only until TELEGRAM_API_DEADLINE_MS, then the next update is answered', async ({ expect }) => {
    const fake = await new FakeTelegram().start();
    const app = await startTestServer({ ...telegramEnv(fake.url), TELEGRAM_API_DEADLINE_MS: '10000' });
    try {
      // Telegram unreachable for good: without a deadline auto-retry would try forever.
      fake.dropNext('sendMessage', 1000);
      const started = Date.now();
      expect(await postTelegram(app, textUpdate(7004, 'что такое линия 111'))).toBe(200);
      await app.settled();
      const took = Date.now() - started;
      // Attempts at 0, 3 and 9 s (backoff 3 s, then 6 s); the next pause (12 s) is cut by the deadline.
      expect(fake.calls.filter((c) => c.method === 'sendMessage:dropped')).toHaveLength(3);
      expect(took).toBeGreaterThanOrEqual(9_500);
      expect(took).toBeLessThan(15_000);
      expect(fake.sent()).toHaveLength(0);
      // The network is back: the next update is answered at once.
      fake.clear();
      fake.dropNext('sendMessage', 0, { reset: true });
      expect(await postTelegram(app, textUpdate(7004, 'что такое линия 1899'))).toBe(200);
      await app.settled();
      expect(fake.sent()).toHaveLength(1);
    } finally {
      await app.stop();
      await fake.stop();
    }
  });

  it.concurrent('Telegram: a reply held back by a 429 after the webhook answered goes out before a graceful shutdown ends', async ({ expect }) => {
    const fake = await new FakeTelegram().start();
    const app = await startTestServer(telegramEnv(fake.url));
    let stopped = false;
    try {
      // Telegram asks to wait 11 s; the webhook has answered 200 long before.
      fake.failNext('sendMessage', { status: 429, retryAfter: 11 });
      expect(await postTelegram(app, textUpdate(7003, 'что такое линия 111'))).toBe(200);
      expect(fake.sent()).toHaveLength(0);
      // SIGTERM now: the reply is in flight and must not be dropped.
      await app.stop();
      stopped = true;
      expect(fake.sent()).toHaveLength(1);
      expect(fake.sent()[0]!.chat_id).toBe(7003);
    } finally {
      if (!stopped) await app.stop();
      await fake.stop();
    }
  });
});
