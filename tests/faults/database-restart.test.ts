/**
 * Faults: the database "restarts" under load. A server on PostgreSQL answers ten families writing
 * at once through the Telegram webhook while, from a separate admin connection, every backend of
 * the server's connections is terminated, several times over a second (so reconnections are hit
 * too). The machine's PostgreSQL itself is never restarted: other tests use it.
 *
 * Every message is answered (emergencies with the emergency reply), the server stays ready, and
 * afterwards its writes reach the database again, read back by a second store on the same schema,
 * all without restarting the server.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegram, callbackUpdate } from '../helpers/fake-telegram.js';
import { familiesWrite } from '../helpers/families.js';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/server/logger.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { createTestSchema, TEST_DATABASE_URL, type TestSchema } from '../helpers/postgres.js';
import { TELEGRAM_WEBHOOK_PATH } from '../../src/server/start.js';
import { openStore } from '../../src/store/open.js';

const SECRET = 'test-secret-token-0123456789';
const FAMILIES = 10;
const LOAD_MS = 3_000;
/** The server's connections carry this name, so only they are terminated. */
const APP_NAME = `jardam_fault_${randomBytes(5).toString('hex')}`;

let schema: TestSchema;
let telegram: FakeTelegram;
let server: RunningServer;
let url: string;
let admin: pg.Client;
/** What the server logged as failing (level warn and up): the fault as the server saw it. */
const failures: string[] = [];

async function post(update: Record<string, unknown>): Promise<number> {
  const res = await fetch(`${url}${TELEGRAM_WEBHOOK_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
    body: JSON.stringify(update),
  });
  await res.text();
  // The 200 comes once the update is stored; its reply follows.
  await server.telegram!.inbox!.idle();
  return res.status;
}

/** Ends every backend serving the server's pool, as a database restart does; resolves to how many. */
async function terminateServerConnections(): Promise<number> {
  const { rows } = await admin.query<{ ended: boolean }>(
    'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
    [APP_NAME],
  );
  return rows.filter((r) => r.ended).length;
}

beforeAll(async () => {
  schema = await createTestSchema();
  telegram = await new FakeTelegram().start();
  const databaseUrl = new URL(schema.url);
  databaseUrl.searchParams.set('application_name', APP_NAME);
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'jardam-data-')),
    WATCH_KNOWLEDGE: 'false',
    DATABASE_URL: databaseUrl.toString(),
    USER_KEY_SECRET: 'a-secret-for-the-database-restart-test-0123456789',
    TELEGRAM_BOT_TOKEN: '123456:TEST-token',
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: telegram.url,
    PUBLIC_URL: 'https://jardam.example.org',
    RATE_LIMIT_PER_MINUTE: '1000',
    WEB_CHAT: 'false',
  });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) failures.push((JSON.parse(line) as { msg: string }).msg);
      done();
    },
  });
  server = await startServer(config, { log: createLogger('warn', sink) });
  url = `http://127.0.0.1:${server.port}`;
  admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
});
afterAll(async () => {
  await server?.shutdown();
  await telegram?.stop();
  await admin?.end();
  await schema?.drop();
});

describe('the database restarts under load', () => {
  it('every message is answered, the server stays ready and writes reach the database again without a restart', async () => {
    // The server really works on PostgreSQL through connections of its own name.
    expect(server.store.kind).toBe('postgres');
    expect(await post(callbackUpdate(90_000, 'lang:ru'))).toBe(200);
    expect((await admin.query('SELECT 1 FROM pg_stat_activity WHERE application_name = $1', [APP_NAME])).rowCount).toBeGreaterThan(0);

    // A second in, the "restart": every backend ended, five times over a second, reconnections included.
    const restart = (async () => {
      await new Promise((r) => setTimeout(r, 1_000));
      let ended = 0;
      for (let round = 0; round < 5; round++) {
        ended += await terminateServerConnections();
        await new Promise((r) => setTimeout(r, 200));
      }
      return ended;
    })();
    const { messages, emergencies, problems } = await familiesWrite({
      families: FAMILIES,
      firstUser: 91_000,
      until: Date.now() + LOAD_MS,
      telegram,
      post,
      settled: () => server.telegram!.inbox!.idle(),
    });
    const ended = await restart;

    // The fault happened, under load, and the server felt it (queries cut off, answered without the database).
    expect(ended).toBeGreaterThan(0);
    expect(failures).toContain('storage unavailable');
    expect(messages).toBeGreaterThan(FAMILIES * 5);
    expect(emergencies).toBeGreaterThan(0);
    expect(problems).toEqual([]);

    // Still ready, the same process.
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    // New writes land: a new family's language, stored by the server, read by another store on the schema.
    const failed = failures.length;
    const user = 92_000;
    expect(await post(callbackUpdate(user, 'lang:ky'))).toBe(200);
    expect(failures.slice(failed)).toEqual([]);
    const reader = await openStore({ databaseUrl: schema.url, dataDir: mkdtempSync(join(tmpdir(), 'jardam-reader-')) });
    try {
      const stored = await reader.getUser(server.keys.key({ channel: 'telegram', id: String(user) }));
      expect(stored?.lang).toBe('ky');
    } finally {
      await reader.close();
    }
    // And it connects with fresh backends again.
    expect((await admin.query('SELECT 1 FROM pg_stat_activity WHERE application_name = $1', [APP_NAME])).rowCount).toBeGreaterThan(0);
  });
});
