/**
 * The inbox between a webhook's 200 and the reply, on a real SQLite file: replays refused,
 * emergencies ahead of a backlog, one chat in order, a flood held on disk rather than in memory,
 * deliveries of a stopped or crashed instance answered by the next, and memory when the database
 * is gone.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Inbox, type InboxOptions } from '../../src/channels/inbox.js';
import { createLogger } from '../../src/server/logger.js';
import { SqlStore } from '../../src/store/sql-store.js';
import { openSqlite } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/types.js';

interface Message {
  readonly chat: string;
  readonly text: string;
}

const log = createLogger('silent');
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => undefined);
});

async function openStoreAt(file: string): Promise<Store> {
  const store = await SqlStore.open(openSqlite(file));
  stores.push(store);
  return store;
}

const freshFile = () => join(mkdtempSync(join(tmpdir(), 'jardam-inbox-')), 'jardam.sqlite');

/** An inbox whose replies are recorded, each taking `ms` (a reply waiting on the platform's API). */
function inbox(store: InboxOptions<Message>['store'], options: Partial<InboxOptions<Message>> & { ms?: number } = {}) {
  const answered: string[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const box = new Inbox<Message>({
    channel: 'telegram',
    store,
    log,
    handle: async (m) => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise((r) => setTimeout(r, options.ms ?? 0));
      answered.push(m.text);
      running--;
    },
    parse: (json) => JSON.parse(json) as Message,
    chatOf: (m) => m.chat,
    urgent: (m) => m.text.startsWith('HELP'),
    pollMs: 50,
    ...options,
  });
  return { box, answered, mostAtOnce: () => mostAtOnce };
}

describe('Inbox', () => {
  it('acknowledges a delivery once stored, answers it, and refuses a replay', async () => {
    const store = await openStoreAt(freshFile());
    const { box, answered } = inbox(store);
    box.start();
    expect(await box.accept('tg:1', { chat: 'a', text: 'one' })).toBe(true);
    expect(await Promise.all([box.accept('tg:2', { chat: 'a', text: 'two' }), box.accept('tg:2', { chat: 'a', text: 'two' })])).toEqual([true, false]);
    await box.idle();
    expect(await box.accept('tg:1', { chat: 'a', text: 'one' })).toBe(false);
    await box.idle();
    expect(answered).toEqual(['one', 'two']);
    await box.drain(1000);
    // Answered: nothing is left waiting in the database.
    expect(await store.takeWaiting('telegram', Date.now() + 10 * 60_000, 0, 10)).toEqual([]);
  });

  it('puts an emergency ahead of a backlog, and keeps each chat in order', async () => {
    const store = await openStoreAt(freshFile());
    const { box, answered, mostAtOnce } = inbox(store, { concurrency: 2, ms: 5 });
    const accepted = Array.from({ length: 30 }, (_, i) => box.accept(`tg:${i}`, { chat: `c${i % 3}`, text: `q${i}` }));
    accepted.push(box.accept('tg:help', { chat: 'c9', text: 'HELP now' }));
    await Promise.all(accepted);
    box.start();
    await box.idle();
    expect(answered[0]).toBe('HELP now');
    expect(answered).toHaveLength(31);
    for (const chat of [0, 1, 2]) {
      const mine = answered.filter((t) => t.startsWith('q') && Number(t.slice(1)) % 3 === chat);
      expect(mine).toEqual([...mine].sort((x, y) => Number(x.slice(1)) - Number(y.slice(1))));
    }
    expect(mostAtOnce()).toBe(2);
    await box.drain(1000);
  });

  it('keeps a flood beyond what it holds in the database, and answers all of it, each chat in order', async () => {
    const store = await openStoreAt(freshFile());
    const { box, answered } = inbox(store, { held: 10, concurrency: 4 });
    const ids = Array.from({ length: 300 }, (_, i) => `tg:${i}`);
    const send = (from: number, to: number) => Promise.all(ids.slice(from, to).map((id, i) => box.accept(id, { chat: `c${(from + i) % 7}`, text: id })));
    expect((await send(0, 100)).every(Boolean)).toBe(true);
    // Held in memory: no more than `held`; the rest waits on disk.
    expect(box.waiting).toBeLessThanOrEqual(10);
    box.start();
    // More arrive while the first are being answered and taken back from the database.
    await new Promise((r) => setTimeout(r, 5));
    expect((await send(100, 200)).every(Boolean)).toBe(true);
    await new Promise((r) => setTimeout(r, 5));
    expect((await send(200, 300)).every(Boolean)).toBe(true);
    const deadline = Date.now() + 10_000;
    while (answered.length < 300 && Date.now() < deadline) {
      expect(box.waiting).toBeLessThanOrEqual(10 + 4);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect([...answered].sort()).toEqual([...ids].sort());
    for (let chat = 0; chat < 7; chat++) {
      const mine = answered.map((t) => Number(t.slice(3))).filter((n) => n % 7 === chat);
      expect(mine).toEqual([...mine].sort((x, y) => x - y));
    }
    await box.drain(1000);
  });

  it('takes a flood in first: ordinary replies keep a pace, an emergency starts at once, and full speed returns after', async () => {
    const store = await openStoreAt(freshFile());
    const paceMs = 30;
    const starts: { text: string; at: number }[] = [];
    const { box } = inbox(store, {
      floodPaceMs: paceMs,
      handle: async (m) => {
        starts.push({ text: m.text, at: performance.now() });
      },
    });
    box.start();
    // A webhook on every turn of the event loop for 300 ms; a family in danger writes halfway.
    let sent = 0;
    let helpAcceptedAt = 0;
    const accepted: Promise<boolean>[] = [];
    const floodStart = performance.now();
    await new Promise<void>((resolve) => {
      const next = () => {
        const now = performance.now();
        if (now - floodStart >= 300) return resolve();
        if (helpAcceptedAt === 0 && now - floodStart >= 150) {
          helpAcceptedAt = now;
          accepted.push(box.accept('tg:help', { chat: 'danger', text: 'HELP now' }));
        } else accepted.push(box.accept(`tg:${sent}`, { chat: `c${sent % 50}`, text: `q${sent++}` }));
        setImmediate(next);
      };
      next();
    });
    const floodEnd = performance.now();
    expect((await Promise.all(accepted)).every(Boolean)).toBe(true);
    await box.idle();

    const ordinary = starts.filter((s) => s.text !== 'HELP now');
    expect(ordinary.map((s) => s.text).sort()).toEqual(Array.from({ length: sent }, (_, i) => `q${i}`).sort());
    expect(sent).toBeGreaterThan(100);
    // During the flood: at most one ordinary start per pace, and never none.
    const duringFlood = ordinary.filter((s) => s.at < floodEnd).length;
    expect(duringFlood).toBeLessThanOrEqual(Math.ceil((floodEnd - floodStart) / paceMs) + 1);
    expect(duringFlood).toBeGreaterThanOrEqual(3);
    // The emergency did not wait for the pace: at most one ordinary start came between its arrival and its own.
    const help = starts.find((s) => s.text === 'HELP now')!;
    expect(ordinary.filter((s) => s.at > helpAcceptedAt && s.at < help.at).length).toBeLessThanOrEqual(1);
    // After the flood, no pace: the next 20 start in less time than the pace would allow 20.
    const after = ordinary.filter((s) => s.at >= floodEnd).slice(0, 20);
    expect(after).toHaveLength(20);
    expect(after[19]!.at - after[0]!.at).toBeLessThan(19 * paceMs);
    await box.drain(1000);
  });

  it('hands what it could not answer back at shutdown, and the next instance answers it at once', async () => {
    const file = freshFile();
    const first = inbox(await openStoreAt(file), { concurrency: 1, ms: 100 });
    first.box.start();
    await Promise.all(Array.from({ length: 5 }, (_, i) => first.box.accept(`tg:${i}`, { chat: 'a', text: `m${i}` })));
    await first.box.drain(150);
    expect(first.answered.length).toBeGreaterThanOrEqual(1);
    expect(first.answered.length).toBeLessThan(5);

    const second = inbox(await openStoreAt(file));
    second.box.start();
    const deadline = Date.now() + 5_000;
    while (first.answered.length + second.answered.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    // Every message answered once in all, still in order.
    expect([...first.answered, ...second.answered]).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    await second.box.drain(1000);
  });

  it('answers what a crashed instance held once its lease runs out, and not before', async () => {
    const file = freshFile();
    let now = Date.now();
    // The process takes the delivery and dies while answering it (its reply never finishes).
    let taken = false;
    const crashedStore = await openStoreAt(file);
    const crashed = inbox(crashedStore, {
      now: () => now,
      leaseMs: 60_000,
      handle: () => {
        taken = true;
        return new Promise(() => undefined);
      },
    });
    crashed.box.start();
    expect(await crashed.box.accept('tg:1', { chat: 'a', text: 'lost?' })).toBe(true);
    await vi.waitFor(() => expect(taken).toBe(true));
    // Dead: it reaches the database no more (its polls fail), so it cannot take the delivery again.
    await crashedStore.close();

    const next = inbox(await openStoreAt(file), { now: () => now, leaseMs: 60_000 });
    next.box.start();
    await new Promise((r) => setTimeout(r, 200));
    expect(next.answered).toEqual([]);
    now += 60_001;
    const deadline = Date.now() + 5_000;
    while (next.answered.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(next.answered).toEqual(['lost?']);
    expect(crashed.answered).toEqual([]);
    await next.box.drain(1000);
  });

  it('keeps deliveries in memory when the database is gone, and still refuses a replay', async () => {
    const store = await openStoreAt(freshFile());
    await store.close();
    const { box, answered } = inbox(store);
    box.start();
    expect(await box.accept('tg:1', { chat: 'a', text: 'HELP' })).toBe(true);
    expect(await box.accept('tg:1', { chat: 'a', text: 'HELP' })).toBe(false);
    expect(await box.accept('tg:2', { chat: 'a', text: 'two' })).toBe(true);
    await box.idle();
    expect(answered).toEqual(['HELP', 'two']);
    await box.drain(100);
  });
});
