/**
 * Faults: SIGTERM during traffic. The real `jardam serve` runs as a child process; a burst of
 * webhook deliveries is under way (replies held in flight by a slow API) when it gets SIGTERM.
 * Every delivery answered 200 gets its reply, the replies in flight at the signal all go out,
 * the rest is refused (connection refused or 503, so Telegram and Meta deliver it again later)
 * rather than accepted and dropped, and the process exits 0 within SHUTDOWN_TIMEOUT_MS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'vitest';
import { FakeTelegram, textUpdate } from '../helpers/fake-telegram.js';
import { FakeGraph, waTextPayload } from '../helpers/fake-graph.js';
import { eventually } from '../helpers/server.js';
import { signBody } from '../../src/channels/whatsapp/signature.js';
import { TELEGRAM_WEBHOOK_PATH, WHATSAPP_WEBHOOK_PATH } from '../../src/server/start.js';
import { PROJECT_ROOT } from '../../src/kb/load.js';

const SECRET = 'test-secret-token-0123456789';
const APP_SECRET = 'whatsapp-app-secret';
const SHUTDOWN_TIMEOUT_MS = 8_000;
/** Each reply hangs this long at the fake API, so replies are in flight when the signal comes. */
const REPLY_MS = 400;
const BURST = 100;
const SPACING_MS = 10;

interface Child {
  readonly process: ChildProcess;
  readonly url: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** The child's log messages, in order. */
  readonly logs: string[];
}

/** `node bin/jardam.mjs serve` on a free port; resolves once it logs "server ready" (with its port). */
async function serve(env: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin/jardam.mjs'), 'serve'], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'jardam-sigterm-')),
      LOG_LEVEL: 'info',
      WATCH_KNOWLEDGE: 'false',
      WEB_CHAT: 'false',
      RATE_LIMIT_PER_MINUTE: '1000',
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const logs: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        logs.push(entry.msg ?? '');
        if (entry.msg === 'server ready' && entry.port) resolve(entry.port);
      } catch {
        // not a log line
      }
    });
    void exited.then(({ code }) => reject(new Error(`jardam serve exited (${code}) before it was ready: ${stderr}`)));
  });
  return { process: child, url: `http://127.0.0.1:${port}`, exited, logs };
}

type Outcome = number | 'refused';

/** A delivery's fate: its HTTP status, or `refused` when the connection was refused or cut. */
async function deliver(url: string, headers: Record<string, string>, body: string): Promise<Outcome> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    await res.text();
    return res.status;
  } catch {
    return 'refused';
  }
}

/** The server called itself stopped only after the last reply went out, and did not give up on any work. */
function stoppedAfterLastReply(logs: readonly string[]): boolean {
  const gaveUp = logs.includes('shutdown timed out with work in flight') || logs.includes('stopping with deliveries not answered: left for the next start');
  return logs.lastIndexOf('server stopped') > logs.lastIndexOf('replied') && !gaveUp;
}

/**
 * Sends `BURST` deliveries `SPACING_MS` apart; SIGTERM goes to the child as soon as `inFlight()`
 * reports enough replies hanging at the fake API. Returns each delivery's outcome and what was
 * in flight at the signal.
 */
async function burstWithSigterm<T>(child: Child, send: (i: number) => Promise<Outcome>, inFlight: () => T[]) {
  const outcomes: Promise<Outcome>[] = [];
  let atSignal: T[] | undefined;
  let signalledAt = 0;
  const signal = eventually(() => (inFlight().length >= 10 ? true : undefined), 10_000).then(() => {
    atSignal = inFlight();
    signalledAt = Date.now();
    child.process.kill('SIGTERM');
  });
  void signal.catch(() => undefined); // awaited below, after the burst
  for (let i = 0; i < BURST; i++) {
    outcomes.push(send(i));
    await new Promise((r) => setTimeout(r, SPACING_MS));
  }
  await signal;
  const exit = await child.exited;
  return { outcomes: await Promise.all(outcomes), atSignal: atSignal!, signalledAt, exit };
}

describe('SIGTERM during traffic', () => {
  it.concurrent('Telegram webhook: in-flight updates finish with their reply, later ones are refused, exit 0', async ({ expect }) => {
    const fake = await new FakeTelegram().start();
    let child: Child | undefined;
    try {
      child = await serve({
        TELEGRAM_BOT_TOKEN: '123456:TEST-token',
        TELEGRAM_MODE: 'webhook',
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        TELEGRAM_API_ROOT: fake.url,
        PUBLIC_URL: 'https://jardam.example.org',
      });
      fake.delayNext('sendMessage', BURST, REPLY_MS);
      const users = Array.from({ length: BURST }, (_, i) => 71_000 + i);
      const { outcomes, atSignal, signalledAt, exit } = await burstWithSigterm(
        child,
        (i) => deliver(`${child!.url}${TELEGRAM_WEBHOOK_PATH}`, { 'x-telegram-bot-api-secret-token': SECRET }, JSON.stringify(textUpdate(users[i]!, 'что такое линия 1899'))),
        () => fake.waiting(),
      );

      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(exit.at - signalledAt).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
      const repliedTo = new Set(fake.sent().map((m) => m.chat_id as number));
      // The replies in flight at the signal all went out, and their updates were acknowledged.
      expect(atSignal.length).toBeGreaterThanOrEqual(10);
      for (const call of atSignal) {
        expect(repliedTo.has(call.body.chat_id)).toBe(true);
        expect(outcomes[users.indexOf(call.body.chat_id)]).toBe(200);
      }
      // Every update acknowledged with 200 was answered; every other one was refused, not dropped.
      users.forEach((user, i) => {
        if (outcomes[i] === 200) expect(repliedTo.has(user), `update ${i} got 200 without a reply`).toBe(true);
        else expect(['refused', 503]).toContain(outcomes[i]);
      });
      // Each reply once, all before the server called itself stopped.
      expect(fake.sent().length).toBe(repliedTo.size);
      expect(stoppedAfterLastReply(child.logs)).toBe(true);
      // Traffic went on after the signal and was refused.
      expect(outcomes.filter((o) => o !== 200).length).toBeGreaterThan(0);
    } finally {
      if (child && child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
      await fake.stop();
    }
  });

  it.concurrent('WhatsApp webhook: replies still going out after the 200 are sent before the process exits 0', async ({ expect }) => {
    const graph = await new FakeGraph().start();
    let child: Child | undefined;
    try {
      child = await serve({
        WHATSAPP_ACCESS_TOKEN: 'graph-token',
        WHATSAPP_PHONE_NUMBER_ID: '1000',
        WHATSAPP_APP_SECRET: APP_SECRET,
        WHATSAPP_VERIFY_TOKEN: 'verify-me-please',
        WHATSAPP_GRAPH_URL: graph.url,
      });
      graph.delayNext(BURST, REPLY_MS);
      const phones = Array.from({ length: BURST }, (_, i) => String(996_700_072_000 + i));
      const { outcomes, atSignal, signalledAt, exit } = await burstWithSigterm(
        child,
        (i) => {
          const body = JSON.stringify(waTextPayload(phones[i]!, 'что такое линия 1899'));
          return deliver(`${child!.url}${WHATSAPP_WEBHOOK_PATH}`, { 'x-hub-signature-256': signBody(Buffer.from(body), APP_SECRET) }, body);
        },
        () => graph.waiting(),
      );

      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(exit.at - signalledAt).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
      const repliedTo = new Set(graph.delivered().map((m) => m.to as string));
      expect(atSignal.length).toBeGreaterThanOrEqual(10);
      for (const body of atSignal) expect(repliedTo.has(body.to)).toBe(true);
      // WhatsApp answers 200 before replying: each of those replies still went out before the exit.
      phones.forEach((phone, i) => {
        if (outcomes[i] === 200) expect(repliedTo.has(phone), `message ${i} got 200 without a reply`).toBe(true);
        else expect(['refused', 503]).toContain(outcomes[i]);
      });
      expect(graph.delivered().length).toBe(repliedTo.size);
      expect(stoppedAfterLastReply(child.logs)).toBe(true);
      expect(graph.calls.filter((c) => c.abandoned)).toEqual([]);
      expect(outcomes.filter((o) => o !== 200).length).toBeGreaterThan(0);
    } finally {
      if (child && child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
      await graph.stop();
    }
  });
});
