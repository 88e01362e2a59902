/**
 * Deliveries between a webhook's 200 and their reply. The webhook only stores a delivery and
 * answers at once, so the platform never waits on the engine and never re-sends for slowness;
 * the replies are worked out here, a few at a time, one at a time per chat, and emergencies go
 * first.
 *
 * The payload stays in the database until the reply is sent, under a lease: if this process dies,
 * any instance (or this one, restarted) takes it when the lease runs out. Beyond `held` deliveries
 * in memory, new ones wait in the database only, so a flood costs disk, not memory. When the
 * database cannot be reached, deliveries are kept in memory instead: a message is never dropped
 * for it.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';
import { SHORT_STORAGE_DEADLINE_MS, StorageGuard, STORAGE_DEADLINE_MS } from '../store/deadline.js';
import type { Channel } from '../types.js';
import { RecentIds } from './dedupe.js';

export interface InboxOptions<T> {
  readonly channel: Channel;
  readonly store: Pick<Store, 'enqueue' | 'takeWaiting' | 'finish' | 'release'>;
  readonly log: Logger;
  /** Answers one delivery. A failure is logged and not repeated: the API calls inside it have their own retries. */
  readonly handle: (payload: T) => Promise<unknown>;
  /** Reads a stored payload back; throws on one that is not a delivery. */
  readonly parse: (json: string) => T;
  /** The chat a delivery belongs to: one chat's deliveries are answered in the order they came. */
  readonly chatOf: (payload: T) => string;
  /** Whether a delivery is an emergency (cheap: asked of every one as it arrives). */
  readonly urgent: (payload: T) => boolean;
  /**
   * Deliveries worked on at once. The engine runs one at a time anyway; this bounds the replies
   * waiting on the platform's API together (a few hundred ms each from Central Asia).
   */
  readonly concurrency?: number;
  /** Deliveries kept in memory; the rest wait in the database. */
  readonly held?: number;
  /** How long a delivery taken by this instance is its own; far above the time one reply takes. */
  readonly leaseMs?: number;
  /** Deadlines for storage calls, shared with the conversation; one of its own by default. */
  readonly guard?: StorageGuard;
  /** How often the database is asked for deliveries no one holds (left by a stopped instance). */
  readonly pollMs?: number;
  /**
   * While webhooks arrive on every turn of the event loop (a flood this process cannot keep up
   * with), taking them in comes first, and an ordinary delivery is started only once per this
   * many ms. See FLOOD_PACE_MS.
   */
  readonly floodPaceMs?: number;
  readonly now?: () => number;
}

interface Held<T> {
  readonly id: string;
  readonly payload: T;
  readonly chat: string;
  /** About danger: answered first, and never kept waiting by a flood. */
  readonly urgent: boolean;
  /** False when it was kept in memory only (the database was unreachable). */
  readonly durable: boolean;
}

interface Arriving<T> {
  readonly id: string;
  readonly payload: T;
  readonly json: string;
  readonly resolve: (added: boolean) => void;
}


/**
 * Under a flood, ordinary replies still start 100 times a second: more than Telegram (about 30 a
 * second) or WhatsApp (80 by default) accept from one bot, so the pace holds nobody back that the
 * platform would have let through. Taking every delivery in first keeps the platform from waiting
 * and re-sending, and brings each emergency into sight, where it goes ahead of the backlog.
 */
export const FLOOD_PACE_MS = 10;

export class Inbox<T> {
  private readonly urgentQueue: Held<T>[] = [];
  private readonly queue: Held<T>[] = [];
  private readonly busyChats = new Set<string>();
  /** Ids of deliveries seen while the database was unreachable, against replays. */
  private readonly remembered = new RecentIds();
  private arriving: Arriving<T>[] = [];
  private finished: string[] = [];
  private running = 0;
  /** Deliveries may be waiting in the database for this instance to take. */
  private spilled = true;
  /** How many deliveries were left in the database so far (to see if some came during a pull). */
  private spills = 0;
  private lastAt = 0;
  /** When an ordinary delivery was last started (performance.now()). */
  private lastOrdinaryStart = -Infinity;
  private pulling: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private stepping = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private readonly concurrency: number;
  private readonly held: number;
  private readonly leaseMs: number;
  private readonly floodPaceMs: number;
  private readonly now: () => number;
  private readonly guard: StorageGuard;

  constructor(private readonly options: InboxOptions<T>) {
    this.concurrency = options.concurrency ?? 64;
    this.held = options.held ?? 1000;
    this.leaseMs = options.leaseMs ?? 300_000;
    this.floodPaceMs = options.floodPaceMs ?? FLOOD_PACE_MS;
    this.now = options.now ?? Date.now;
    this.guard = options.guard ?? new StorageGuard();
  }

  /**
   * Stores a delivery; resolves once it is safe to answer the webhook: true if new, false for a
   * replay. `json` is the payload as stored (the request's own text, when it is the payload whole).
   */
  accept(id: string, payload: T, json = JSON.stringify(payload)): Promise<boolean> {
    return new Promise((resolve) => {
      this.arriving.push({ id, payload, json, resolve });
      // Deliveries arriving together are written in one statement (one commit).
      if (this.arriving.length === 1) setImmediate(() => void this.store());
    });
  }

  /** Starts answering: what is held, then what waits in the database, checked again every `pollMs`. */
  start(): void {
    this.started = true;
    this.timer = setInterval(() => {
      void this.flushFinished();
      void this.pull();
    }, this.options.pollMs ?? 5_000);
    this.timer.unref();
    this.pump();
  }

  /** Deliveries held in memory, not answered yet (for metrics). */
  get waiting(): number {
    return this.queue.length + this.urgentQueue.length + this.running;
  }

  /** Resolves when nothing is arriving, held, being answered or waiting in the database for this instance. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops taking deliveries from the database and answers what is held, for up to `timeoutMs`.
   * What is left is handed back to the database for any instance to take.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await Promise.race([this.idle(), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    const left = [...this.urgentQueue.splice(0), ...this.queue.splice(0)].filter((h) => h.durable).map((h) => h.id);
    if (left.length > 0) {
      this.options.log.warn({ channel: this.options.channel, left: left.length }, 'stopping with deliveries not answered: left for the next start');
      await this.options.store.release(left).catch((err: unknown) => this.options.log.error({ err }, 'deliveries could not be handed back'));
    }
    await this.flushFinished();
  }

  /** Nothing arriving, held, being answered, or left in the database for this instance to take. */
  private isIdle(): boolean {
    const waitingOnDisk = this.started && !this.closed && (this.spilled || this.pulling !== undefined);
    return this.arriving.length === 0 && this.running === 0 && this.queue.length === 0 && this.urgentQueue.length === 0 && !waitingOnDisk;
  }

  private async store(): Promise<void> {
    const arriving = this.arriving.splice(0);
    const firsts = new Map<string, Arriving<T>>();
    for (const a of arriving) if (!firsts.has(a.id)) firsts.set(a.id, a);
    const now = this.now();
    // While some wait in the database, newcomers wait there too: a chat's messages stay in order.
    let room = this.spilled ? 0 : this.held - this.queue.length;
    const plans = [...firsts.values()].map((a) => {
      // A message about danger is never left on disk, goes first, and is not held up by the database.
      const urgent = this.options.urgent(a.payload);
      const keep = !this.closed && (urgent || room-- > 0);
      return { a, urgent, keep };
    });
    const deadline = plans.some((p) => p.urgent) ? SHORT_STORAGE_DEADLINE_MS : STORAGE_DEADLINE_MS;
    let added: Set<string>;
    let durable = true;
    try {
      const deliveries = plans.map(({ a, keep }) => ({ id: a.id, channel: this.options.channel, payload: a.json, at: this.nextAt(now), leaseUntil: keep ? now + this.leaseMs : 0 }));
      // A database that hangs must not hold the webhook's answer: past the deadline, memory.
      added = await this.guard.call(() => {
        const writing = this.options.store.enqueue(deliveries);
        void writing.then(
          // Stored after all, too late: they are answered from memory, so nobody must take them again.
          (late) => {
            if (!durable) for (const id of late) this.finishLater(id);
          },
          () => undefined,
        );
        return writing;
      }, deadline);
    } catch (err) {
      this.options.log.warn({ err, channel: this.options.channel }, 'deliveries kept in memory: the database is unreachable');
      durable = false;
      added = new Set(plans.filter(({ a }) => this.remembered.firstTime(a.id)).map(({ a }) => a.id));
    }
    for (const { a, urgent, keep } of plans) {
      const isNew = added.has(a.id);
      if (isNew && (keep || !durable)) this.hold({ id: a.id, payload: a.payload, chat: this.options.chatOf(a.payload), urgent, durable });
      else if (isNew) {
        this.spilled = true;
        this.spills++;
      }
    }
    for (const a of arriving) a.resolve(firsts.get(a.id) === a && added.has(a.id));
    this.pump();
  }

  /** Arrival times, one millisecond apart at least: the database hands deliveries back in this order. */
  private nextAt(now: number): number {
    this.lastAt = Math.max(now, this.lastAt + 1);
    return this.lastAt;
  }

  private hold(item: Held<T>): void {
    (item.urgent ? this.urgentQueue : this.queue).push(item);
  }

  /**
   * Starts the next delivery on a later turn of the event loop, one per turn: a backlog never
   * keeps requests (new webhooks, health checks, the web chat) waiting behind it. An ordinary
   * delivery also gives way to webhooks that came in this turn (they are stored first, and it waits
   * a turn), except once per `floodPaceMs`; an emergency never does.
   */
  private pump(): void {
    if (!this.stepping) {
      this.stepping = true;
      setImmediate(() => this.step());
    }
  }

  private step(): void {
    this.stepping = false;
    const now = performance.now();
    const ordinaryMayStart = this.arriving.length === 0 || now - this.lastOrdinaryStart >= this.floodPaceMs;
    const next = this.started && this.running < this.concurrency ? this.next(ordinaryMayStart) : undefined;
    if (next) {
      if (!next.urgent) this.lastOrdinaryStart = now;
      this.running++;
      this.busyChats.add(next.chat);
      void this.answer(next);
      this.pump();
    }
    if (this.spilled && this.started && !this.closed && this.queue.length < this.held / 2) void this.pull();
    if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** The first held delivery whose chat is not being answered already; emergencies first. */
  private next(ordinaryToo: boolean): Held<T> | undefined {
    for (const queue of ordinaryToo ? [this.urgentQueue, this.queue] : [this.urgentQueue]) {
      const i = queue.findIndex((h) => !this.busyChats.has(h.chat));
      if (i >= 0) return queue.splice(i, 1)[0];
    }
    return undefined;
  }

  private async answer(item: Held<T>): Promise<void> {
    try {
      await this.options.handle(item.payload);
    } catch (err) {
      this.options.log.error({ err, channel: this.options.channel }, 'delivery failed');
    } finally {
      this.running--;
      this.busyChats.delete(item.chat);
      if (item.durable) this.finishLater(item.id);
      this.pump();
    }
  }

  private finishLater(id: string): void {
    this.finished.push(id);
    if (this.finished.length === 1) setImmediate(() => void this.flushFinished());
  }

  /** Drops answered payloads; on failure they are tried again at the next poll. */
  private async flushFinished(): Promise<void> {
    const ids = this.finished.splice(0);
    if (ids.length === 0) return;
    try {
      await this.options.store.finish(ids);
    } catch (err) {
      this.finished.push(...ids);
      this.options.log.warn({ err, channel: this.options.channel }, 'answered deliveries not marked yet');
    }
  }

  /** Takes deliveries no one holds from the database, as many as there is room for. */
  private pull(): Promise<void> {
    if (!this.started || this.closed) return Promise.resolve();
    this.pulling ??= (async () => {
      const room = this.held - this.queue.length;
      if (room <= 0) return;
      const now = this.now();
      const spillsBefore = this.spills;
      try {
        const taken = await this.options.store.takeWaiting(this.options.channel, now, now + this.leaseMs, room);
        this.spilled = taken.length === room || this.spills !== spillsBefore;
        for (const d of taken) {
          let payload: T;
          try {
            payload = this.options.parse(d.payload);
          } catch (err) {
            this.options.log.error({ err, channel: this.options.channel }, 'a stored delivery cannot be read: dropped');
            this.finishLater(d.id);
            continue;
          }
          this.hold({ id: d.id, payload, chat: this.options.chatOf(payload), urgent: this.options.urgent(payload), durable: true });
        }
      } catch (err) {
        // Left to the next poll, rather than asked again at once (newcomers are held meanwhile).
        this.spilled = false;
        this.options.log.warn({ err, channel: this.options.channel }, 'waiting deliveries cannot be read now');
      }
    })().finally(() => {
      this.pulling = undefined;
      this.pump();
    });
    return this.pulling;
  }
}
