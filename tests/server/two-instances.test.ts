/**
 * Two server instances sharing one PostgreSQL behave as one: a Telegram update delivered to both
 * is answered once, a family's settings made on one are known to the other, and an instance with
 * another pseudonym secret is refused before it could mix up users.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegram, callbackUpdate, textUpdate } from '../helpers/fake-telegram.js';
import { postUpdate, startTestServer, TELEGRAM_SECRET, type TestServer } from '../helpers/server.js';
import { createTestSchema, type TestSchema } from '../helpers/postgres.js';
import { realEngine } from '../helpers/kb.js';

const SECRET = TELEGRAM_SECRET;
const t = realEngine().t;
let schema: TestSchema;
let telegram: FakeTelegram;
let a: TestServer;
let b: TestServer;

const env = () => ({
  DATABASE_URL: schema.url,
  USER_KEY_SECRET: 'a-shared-secret-for-both-instances-0123456789',
  TELEGRAM_BOT_TOKEN: '123456:TEST-token',
  TELEGRAM_MODE: 'webhook',
  TELEGRAM_WEBHOOK_SECRET: SECRET,
  TELEGRAM_API_ROOT: telegram.url,
  PUBLIC_URL: 'https://jardam.example.org',
  WEB_CHAT: 'false',
  WATCH_KNOWLEDGE: 'false',
});

const post = (server: TestServer, update: Record<string, unknown>) => postUpdate(server, update);

beforeAll(async () => {
  schema = await createTestSchema();
  telegram = await new FakeTelegram().start();
  // Started together: the migrations run once, under the advisory lock.
  [a, b] = await Promise.all([startTestServer(env()), startTestServer(env())]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await telegram.stop();
  await schema.drop();
});

describe('two instances on one PostgreSQL', () => {
  it('answer an update delivered to both exactly once', async () => {
    telegram.clear();
    const update = textUpdate(8101, 'что такое линия 1899');
    expect(await Promise.all([post(a, update), post(b, update)])).toEqual([200, 200]);
    expect(telegram.sent().filter((m) => m.chat_id === 8101)).toHaveLength(1);
    // A different update is answered by whichever instance gets it.
    await post(b, textUpdate(8101, 'что такое линия 111'));
    expect(telegram.sent().filter((m) => m.chat_id === 8101)).toHaveLength(2);
  });

  it('share a family’s settings: a language chosen on one is used by the other', async () => {
    await post(a, callbackUpdate(8102, 'lang:ky'));
    await post(a, callbackUpdate(8102, 'country:KZ'));
    telegram.clear();
    // A button carries no language of its own: the reply's language is the stored one.
    await post(b, callbackUpdate(8102, 'intent:help'));
    expect(telegram.sent()[0]!.text).toContain(t('ky', 'intent.help'));
  });

  it('refuse to start an instance whose USER_KEY_SECRET differs from the database’s', async () => {
    await expect(startTestServer({ ...env(), USER_KEY_SECRET: 'another-secret-that-does-not-match-0123456789' })).rejects.toThrow(/USER_KEY_SECRET/);
  });
});
