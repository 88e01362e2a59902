/**
 * `npm run bench`: engine and server speed on this machine, written to BENCHMARKS.md.
 * Not part of `npm test`. Synthetic knowledge bases (10× and 100×) copy every entry under new
 * ids with shuffled words in their questions, so the index grows as a real one would.
 *
 * `npm run bench -- --engine-only` measures the engine alone (no server run) and prints its table
 * without writing BENCHMARKS.md; `--factors=1,100` picks the knowledge base sizes it measures.
 * `--server-only` likewise prints the server's figures alone.
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import { fork } from 'node:child_process';
import autocannon from 'autocannon';
import { loadKnowledge, PROJECT_ROOT, type KnowledgeBase } from '../src/kb/load.js';
import { Engine } from '../src/engine/engine.js';
import type { Entry } from '../src/kb/schema.js';
import { readEvalSet } from '../src/eval/score.js';
import { LANGS } from '../src/types.js';
import { textUpdate } from '../tests/helpers/fake-telegram.js';
import type { FakeApiReport } from './fake-api.js';
import { postUpdate, startTestServer } from '../tests/helpers/server.js';
import { TELEGRAM_WEBHOOK_PATH } from '../src/server/start.js';
import { FLOOD_PACE_MS } from '../src/channels/inbox.js';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

function scaled(kb: KnowledgeBase, factor: number): KnowledgeBase {
  if (factor === 1) return kb;
  const entries = new Map<string, Entry>();
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const shuffle = (text: string) => text.split(' ').sort(() => rand() - 0.5).join(' ');
  for (let copy = 0; copy < factor; copy++) {
    for (const e of kb.entries.values()) {
      const id = copy === 0 ? e.id : `${e.id}-x${copy}`;
      const questions = Object.fromEntries(LANGS.map((l) => [l, copy === 0 ? e.questions[l] : e.questions[l].map(shuffle)])) as Entry['questions'];
      entries.set(id, { ...e, id, group: copy === 0 ? e.group : undefined, related: [], questions } as Entry);
    }
  }
  return { ...kb, entries };
}

const collect = () => (globalThis as { gc?: () => void }).gc?.();

function benchEngine(kb: KnowledgeBase, texts: string[]) {
  // The indexes' typed arrays live outside the JS heap: count their buffers too.
  const used = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  collect();
  const heapBefore = used();
  const t0 = performance.now();
  const engine = new Engine(kb);
  const buildMs = performance.now() - t0;
  collect();
  const heapMb = (used() - heapBefore) / 2 ** 20;
  for (const text of texts.slice(0, 50)) engine.turn({ text });
  const times: number[] = [];
  const start = performance.now();
  for (let round = 0; round < 3; round++) {
    for (const text of texts) {
      const s = performance.now();
      engine.turn({ text });
      times.push(performance.now() - s);
    }
  }
  const total = performance.now() - start;
  times.sort((a, b) => a - b);
  return { entries: kb.entries.size, buildMs, heapMb, median: percentile(times, 0.5), p99: percentile(times, 0.99), perSecond: (times.length / total) * 1000 };
}

const SECRET = 'bench-secret-token-0123456789';
const QUESTION = 'как зарегистрировать рождение ребенка в Алматы';
const EMERGENCY = 'муж бьет ребенка помогите';
const EMERGENCY_CHAT = 999_999;
const EMERGENCY_UPDATE_ID = 1_000_000_000;

/** Runs bench/load.ts in a process of its own against `url`, for 10 s at 50 connections. */
async function load(url: string): Promise<autocannon.Result> {
  const child = fork(join(PROJECT_ROOT, 'bench/load.ts'), [url, SECRET, QUESTION, '50', '10'], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`the load generator failed (exit ${code})`);
  return JSON.parse(out) as autocannon.Result;
}

/** Starts bench/fake-api.ts in a process of its own; `report` holds what it last said. */
async function fakeApi(): Promise<{ url: string; report: FakeApiReport; stop(): void }> {
  const child = fork(join(PROJECT_ROOT, 'bench/fake-api.ts'), [String(EMERGENCY_CHAT)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const report: { -readonly [K in keyof FakeApiReport]: FakeApiReport[K] } = {};
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the fake Bot API stopped (exit ${code})`)));
    child.on('message', (m: FakeApiReport) => {
      Object.assign(report, m);
      if (m.url) resolve(m.url);
    });
  });
  return { url, report, stop: () => child.disconnect() };
}

const epoch = () => performance.timeOrigin + performance.now();

async function benchServer() {
  // The bare server first, alone in this process; then the webhook, with the same requests.
  const bare = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const bareResult = await load(`http://127.0.0.1:${(bare.address() as { port: number }).port}/`);
  bare.close();

  const fake = await fakeApi();
  const app = await startTestServer({
    TELEGRAM_BOT_TOKEN: '123456:BENCH',
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: fake.url,
    PUBLIC_URL: 'https://bench.example.org',
    WEB_CHAT: 'false',
    RATE_LIMIT_PER_MINUTE: '1000000',
  });
  const replies = () => fake.report.replies ?? 0;

  // Halfway through the flood a family in danger writes: how long until its reply goes out.
  let emergencySentAt = 0;
  let waitingAtEmergency = 0;
  // Updates received so far, counted as they come (the load generator's own count is in another process).
  let received = 0;
  app.server.app.server.on('request', () => received++);
  const emergency = new Promise<void>((resolve) =>
    setTimeout(() => {
      emergencySentAt = epoch();
      waitingAtEmergency = received - replies();
      // An update_id of its own: the load generator numbers its updates from 1.
      const update = { ...textUpdate(EMERGENCY_CHAT, EMERGENCY), update_id: EMERGENCY_UPDATE_ID };
      void postUpdate(app, update, SECRET, { settle: false }).then(() => resolve());
    }, 5_000),
  );
  const started = epoch();
  const webhookResult = await load(`${app.url}${TELEGRAM_WEBHOOK_PATH}`);
  await emergency;
  const floodEnded = epoch();
  const repliesDuringFlood = replies();
  collect();
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  // Every accepted update is answered before the server stops; the graceful shutdown would wait for it.
  const total = webhookResult['2xx'] + 1;
  while (replies() < total) await new Promise((r) => setTimeout(r, 100));
  await app.stop();
  fake.stop();
  const { lastReplyAt = floodEnded, emergencyAnsweredAt = NaN } = fake.report;
  return {
    bareResult,
    webhookResult,
    rssMb,
    replies: {
      accepted: total,
      duringFlood: repliesDuringFlood / ((floodEnded - started) / 1000),
      overall: total / ((lastReplyAt - started) / 1000),
      drainSeconds: (lastReplyAt - floodEnded) / 1000,
      emergencyMs: emergencyAnsweredAt - emergencySentAt,
      waitingAtEmergency,
    },
  };
}

const ms = (v: number) => v.toFixed(2);

const ENGINE_HEADER = `| knowledge base | entries | index build | memory for the indexes (heap + typed arrays) | median per message | p99 per message | messages per second |
|---|---|---|---|---|---|---|`;

function engineRows(engines: ({ factor: number } & ReturnType<typeof benchEngine>)[]): string {
  return engines
    .map((e) => `| ${e.factor === 1 ? 'real' : `${e.factor}×`} | ${e.entries} | ${e.buildMs.toFixed(0)} ms | ${e.heapMb.toFixed(0)} MB | ${ms(e.median)} ms | ${ms(e.p99)} ms | ${e.perSecond.toFixed(0)} |`)
    .join('\n');
}

function serverSection(server: Awaited<ReturnType<typeof benchServer>>): string {
  const ratio = server.webhookResult.requests.average / server.bareResult.requests.average;
  return `## Server (autocannon, 50 connections, 10 s each, same machine, same run)

The load generator (\`bench/load.ts\`) and the fake Bot API (\`bench/fake-api.ts\`) run in processes of their own, as Telegram's servers are not in ours; the two servers run, one after the other, in the bench's process. Both get exactly the same requests: Telegram updates with the secret token, POSTed, 5000 families writing again and again.

| endpoint | requests/s (mean) | p99 latency |
|---|---|---|
| bare \`node:http\` answering 200 without reading the request | ${server.bareResult.requests.average.toFixed(0)} | ${server.bareResult.latency.p99} ms |
| Telegram webhook (secret check, body checked, update stored in SQLite, 200) | ${server.webhookResult.requests.average.toFixed(0)} | ${server.webhookResult.latency.p99} ms |

Ratio webhook / bare: **${ratio.toFixed(2)}** (target at least 0.33: ${ratio >= 1 / 3 ? 'met' : 'NOT met'}). Non-2xx answers during the webhook run: ${server.webhookResult.non2xx}.

The webhook answers once the update is stored; the reply is worked out after (engine, database, \`sendMessage\` to the fake Bot API). While updates come in on every turn of the event loop, as here, taking them in comes first: ordinary replies start ${1000 / FLOOD_PACE_MS} times a second (more than Telegram, about 30 a second, or WhatsApp, 80 by default, accept from one bot), emergencies at once. What that side did with the same flood:

| replies | figure |
|---|---|
| updates accepted | ${server.replies.accepted} |
| replies per second during the flood | ${server.replies.duringFlood.toFixed(0)} |
| replies per second from the first update to the last reply | ${server.replies.overall.toFixed(0)} |
| time from the end of the flood to the last reply | ${server.replies.drainSeconds.toFixed(1)} s |
| an emergency sent 5 s into the flood, behind ${server.replies.waitingAtEmergency} updates not answered yet: its reply went out after | ${server.replies.emergencyMs.toFixed(0)} ms |

Resident memory of the server's process at the end of the flood: ${server.rssMb.toFixed(0)} MB.
`;
}

async function main() {
  const args = process.argv.slice(2);
  const engineOnly = args.includes('--engine-only');
  if (args.includes('--server-only')) {
    console.log(serverSection(await benchServer()));
    return;
  }
  const factorsArg = args.find((a) => a.startsWith('--factors='));
  const factors = factorsArg ? factorsArg.slice('--factors='.length).split(',').map(Number) : [1, 10, 100];
  if (factors.some((f) => !Number.isInteger(f) || f < 1)) throw new Error(`bad --factors: ${factorsArg}`);
  if (!engineOnly && factorsArg) throw new Error('--factors only goes with --engine-only (BENCHMARKS.md always shows 1×, 10× and 100×)');
  const { kb } = loadKnowledge(PROJECT_ROOT);
  if (!kb) throw new Error('knowledge base invalid');
  const texts = readEvalSet(join(PROJECT_ROOT, 'tests/eval/dev.jsonl')).map((i) => i.text);
  const engines = factors.map((f) => ({ factor: f, ...benchEngine(scaled(kb, f), texts) }));
  if (engineOnly) {
    console.log(`${ENGINE_HEADER}\n${engineRows(engines)}`);
    return;
  }
  collect();
  const server = await benchServer();
  const md = `# Benchmarks

Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}.

## Engine (one core, the ${texts.length} questions of tests/eval/dev.jsonl, three rounds)

${ENGINE_HEADER}
${engineRows(engines)}

Targets: p99 under 5 ms for the real knowledge base (${engines[0]!.p99 < 5 ? 'met' : 'NOT met'}), under 20 ms at 100× (${engines[2]!.p99 < 20 ? 'met' : 'NOT met'}).

${serverSection(server)}`;
  writeFileSync(join(PROJECT_ROOT, 'BENCHMARKS.md'), md);
  console.log(md);
}

await main();
