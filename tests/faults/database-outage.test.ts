/**
 * Faults: the database is gone for a while, through a proxy in front of the real PostgreSQL.
 * First it refuses every connection (down, restarting), then it hangs (a partition: connections
 * open, no answer). Through both, every Telegram message gets one reply, an emergency within a
 * second, and when the database is back the server writes to it again, without a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegram, callbackUpdate } from '../helpers/fake-telegram.js';
import { familiesWrite } from '../helpers/families.js';
import { postUpdate, startTestServer, TELEGRAM_SECRET, type TestServer } from '../helpers/server.js';
import { createTestSchema, type TestSchema } from '../helpers/postgres.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { openStore } from '../../src/store/open.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const OUTAGE_MS = 6_000;
const FAMILIES = 6;

let schema: TestSchema;
let proxy: TcpProxy;
let telegram: FakeTelegram;
let app: TestServer;

beforeAll(async () => {
  schema = await createTestSchema();
  const target = new URL(schema.url);
  proxy = await new TcpProxy(target.hostname, Number(target.port || 5432)).start();
  telegram = await new FakeTelegram().start();
  app = await startTestServer({
    DATABASE_URL: proxy.through(schema.url),
    TELEGRAM_BOT_TOKEN: '123456:TEST-token',
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
    TELEGRAM_API_ROOT: telegram.url,
    PUBLIC_URL: 'https://jardam.example.org',
    RATE_LIMIT_PER_MINUTE: '1000',
    WEB_CHAT: 'false',
  });
});
afterAll(async () => {
  await app?.stop();
  await proxy?.stop();
  await telegram?.stop();
  await schema?.drop();
});

/** Families write until `until` (a third of it about danger). */
const traffic = (until: number, firstUser: number) =>
  familiesWrite({
    families: FAMILIES,
    firstUser,
    until,
    telegram,
    post: (update) => postUpdate(app, update, TELEGRAM_SECRET, { settle: false }),
    settled: () => app.settled(),
  });

/** A new family's language, chosen through the server, read back by another store on the database. */
async function writesLand(user: number): Promise<boolean> {
  expect(await postUpdate(app, callbackUpdate(user, 'lang:ky'))).toBe(200);
  const reader = await openStore({ databaseUrl: schema.url, dataDir: mkdtempSync(join(tmpdir(), 'jardam-reader-')) });
  try {
    return (await reader.getUser(app.server.keys.key({ channel: 'telegram', id: String(user) })))?.lang === 'ky';
  } finally {
    await reader.close();
  }
}

const OUTAGES = [
  // Down or restarting: every connection cut, new ones refused; calls fail at once.
  { name: 'refusing connections', begin: () => proxy.refuse(), firstUser: 93_100 },
  // A partition or a stalled server: connections stay open and nothing comes back.
  { name: 'hanging, answering nothing', begin: async () => proxy.blackhole(), firstUser: 93_300 },
];

describe('the database is unreachable for a while', () => {
  it.each(OUTAGES)(
    '$name: every message answered once, emergencies within a second, writes land again after',
    async ({ begin, firstUser }) => {
      expect(app.server.store.kind).toBe('postgres');
      expect(await writesLand(firstUser - 1)).toBe(true);

      await begin();
      const during = await traffic(Date.now() + OUTAGE_MS, firstUser);
      await proxy.restore();

      expect(during.messages).toBeGreaterThan(FAMILIES * 3);
      expect(during.problems).toEqual([]);
      // A hanging database costs an emergency one short read deadline at most, then storage is skipped.
      expect(during.slowestEmergencyMs).toBeLessThan(1_000);
      expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
      // Storage is tried again (after its pause), the pool replaces stuck connections, and writes land.
      let user = firstUser + 100;
      await expect.poll(() => writesLand(user++), { timeout: 20_000, interval: 1_000 }).toBe(true);
    },
    45_000,
  );
});
