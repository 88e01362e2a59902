/** Starts the real server on a free loopback port with a given environment, for channel tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/server/logger.js';
import { startServer, TELEGRAM_WEBHOOK_PATH, type RunningServer } from '../../src/server/start.js';
import type { Calibration } from '../../src/engine/decide.js';

// For work that finishes after a 200; kept in its own file for tests that need no server.
export { eventually } from './eventually.js';

export interface TestServer {
  readonly server: RunningServer;
  readonly url: string;
  /** Resolves when every accepted webhook update has been answered. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/** `root`: a project folder to serve instead of this one (a scratch copy to edit, for reload tests). */
export async function startTestServer(env: Record<string, string> = {}, options: { calibration?: Calibration; root?: string } = {}): Promise<TestServer> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: mkdtempSync(join(tmpdir(), 'jardam-data-')), LOG_LEVEL: 'silent', WATCH_KNOWLEDGE: 'false', ...env });
  const server = await startServer(config, { log: createLogger('silent'), ...options });
  return { server, url: `http://127.0.0.1:${server.port}`, settled: async () => {
      await Promise.all([server.telegram?.inbox?.idle(), server.whatsapp?.inbox.idle()]);
    }, stop: () => server.shutdown() };
}

/** The webhook secret the tests give the server. */
export const TELEGRAM_SECRET = 'test-secret-token-0123456789';

/**
 * POSTs an update to the Telegram webhook and waits until the server has answered it (the 200
 * comes as soon as the update is stored; `settle: false` returns then); resolves to the HTTP
 * status. `secret` null sends none.
 */
export async function postUpdate(app: Pick<TestServer, 'url' | 'settled'>, update: unknown, secret: string | null = TELEGRAM_SECRET, { settle = true } = {}): Promise<number> {
  const res = await fetch(`${app.url}${TELEGRAM_WEBHOOK_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
    body: JSON.stringify(update),
  });
  await res.text();
  if (settle) await app.settled();
  return res.status;
}
