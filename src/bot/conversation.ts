/**
 * The conversation every channel talks to: reads the user's stored state, applies the rate limit
 * (never to an emergency), hands the family to a caseworker when asked, runs the engine one
 * message at a time per user, and records what the reports need. Channels only translate their
 * protocol to `Inbound` and the `Reply` back.
 *
 * The emergency check comes before any storage: if the database is down, a family in danger
 * still gets the emergency reply (reads fall back to an empty state, failed writes are logged).
 */
import type { Logger } from 'pino';
import type { Engine } from '../engine/engine.js';
import type { Inbound, Reply } from '../engine/types.js';
import type { HandoffDesk } from '../handoff/desk.js';
import { redact } from '../privacy/redact.js';
import { SHORT_STORAGE_DEADLINE_MS, StorageGuard, StoragePaused, STORAGE_DEADLINE_MS } from '../store/deadline.js';
import type { Pseudonyms } from '../store/pseudonym.js';
import type { ConversationState, RecentTurn, Store, StoredUser, Ticket, TicketReason } from '../store/types.js';
import type { Lang, UserRef } from '../types.js';
import type { RateLimiter } from './rate-limit.js';
import { LastQuestions } from './last-questions.js';
import type { ConversationObserver } from './observer.js';

export type { UserRef } from '../types.js';

/** How many recent exchanges a caseworker sees when a ticket opens. */
const RECENT_TURNS = 6;

export interface ConversationDeps {
  /** The current engine; a getter so a reloaded knowledge base is picked up on the next message. */
  readonly engine: () => Engine;
  readonly store: Store;
  readonly keys: Pseudonyms;
  readonly limiter: RateLimiter;
  readonly log: Logger;
  /** Caseworkers, when handoff is set up. */
  readonly desk?: HandoffDesk;
  readonly now?: () => number;
  /** Deadlines for storage calls, shared with the webhooks; one of its own by default. */
  readonly guard?: StorageGuard;
  /** Told of every handled message and caught error, for metrics (no text, no user). */
  readonly observer?: ConversationObserver;
}

/** Why the family asked for a person: what the bot said just before tells the caseworker. */
function reasonFor(recent: readonly RecentTurn[] = []): TicketReason {
  const last = recent.at(-1);
  if (last?.kind === 'emergency') return 'emergency';
  if (last?.kind === 'fallback') return 'fallback';
  if (last?.intent === 'feedback') return 'down';
  return 'asked';
}

export class Conversation {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly lastQuestions = new LastQuestions();
  private readonly now: () => number;

  private readonly guard: StorageGuard;

  constructor(private readonly deps: ConversationDeps) {
    this.now = deps.now ?? Date.now;
    this.guard = deps.guard ?? new StorageGuard();
  }

  /** The pseudonymous key the store knows this user by. */
  keyOf(user: UserRef): string {
    return this.deps.keys.key(user);
  }

  /** One message or button press. `undefined` means stay silent (rate limited, or a caseworker has the family). */
  handle(user: UserRef, inbound: Inbound, receivedAt?: number): Promise<Reply | undefined> {
    const key = this.keyOf(user);
    const started = performance.now();
    const result = this.serial(key, () => this.turn(user, key, inbound, receivedAt ?? this.now()));
    const observer = this.deps.observer;
    if (observer) {
      void result.then(
        (reply) => observer.handled({ channel: user.channel, kind: reply?.kind ?? 'silent', ...(reply ? { lang: reply.lang } : {}), seconds: (performance.now() - started) / 1000 }),
        () => observer.failed('conversation'),
      );
    }
    return result;
  }

  /** Whether a message is about danger now (cheap: the safety check alone, no storage). */
  urgent(text: string): boolean {
    return this.deps.engine().parts.safety.isEmergency(text);
  }

  /** A caseworker's replies that have not reached the family yet, to send now. */
  async undelivered(user: UserRef): Promise<string[]> {
    const desk = this.deps.desk;
    return desk ? this.attempt(() => desk.takeUndelivered(this.keyOf(user)), []) : [];
  }

  /** A reply outside the engine's turn (unsupported media, errors), in the user's language. */
  async notice(user: UserRef, key: string): Promise<Reply> {
    const stored = await this.read(this.keyOf(user));
    return this.deps.engine().notice('notice', stored?.state.lang ?? 'ru', key);
  }

  private async turn(user: UserRef, key: string, inbound: Inbound, receivedAt: number): Promise<Reply | undefined> {
    const engine = this.deps.engine();
    // Safety first: an emergency is answered whatever the rate limit, the database or a ticket says.
    const urgent = inbound.text !== undefined && engine.parts.safety.isEmergency(inbound.text);
    const stored = await this.read(key, urgent);
    const state: ConversationState = stored?.state ?? {};
    const lang: Lang = state.lang ?? 'ru';
    if (!urgent) {
      const decision = this.deps.limiter.take(key);
      if (decision === 'limit-silent') return undefined;
      if (decision === 'limit-notify') return engine.notice('rate-limited', lang, 'error.rate_limited');
    }

    const ticket = this.deps.desk ? await this.attempt(() => this.deps.store.activeTicket(key), undefined) : undefined;
    if (ticket) {
      // A caseworker has this family: the bot stays silent, except for an emergency.
      if (inbound.text !== undefined) await this.attempt(() => this.deps.desk!.fromFamily(ticket, inbound.text!, urgent), undefined);
      if (!urgent) {
        await this.save(user, key, stored, state, receivedAt);
        return undefined;
      }
    }

    const { reply: engineReply, session } = engine.turn(inbound, state);
    const next: ConversationState = { ...session };
    const reply = (await this.handoffIfAsked(user, key, engineReply, next, ticket)) ?? engineReply;
    // The words are kept (redacted) only when the bot could not answer them, or for a 👎 to follow.
    const said = inbound.text !== undefined && (reply.kind === 'fallback' || reply.kind === 'answer') ? redact(inbound.text) : undefined;
    next.recent = [...(state.recent ?? []), this.recentTurn(reply, said)].slice(-RECENT_TURNS);
    await this.record(user, key, inbound, said, reply, state);
    await this.save(user, key, stored, next, receivedAt);
    return reply;
  }

  /** "Talk to a person": a ticket for the caseworkers, when someone is there to take it. */
  private async handoffIfAsked(user: UserRef, key: string, reply: Reply, state: ConversationState, active: Ticket | undefined): Promise<Reply | undefined> {
    const desk = this.deps.desk;
    if (!desk || reply.kind !== 'intent' || reply.intent !== 'human' || active) return undefined;
    const staffed = await this.attempt(() => desk.staffed(), false);
    if (!staffed) return undefined;
    const opened = await this.attempt(
      () =>
        desk.open({
          user,
          key,
          lang: reply.lang,
          reason: reasonFor(state.recent),
          recent: state.recent ?? [],
          ...(state.country ? { country: state.country } : {}),
        }),
      undefined,
    );
    if (!opened) return undefined;
    return this.deps.engine().notice('human', reply.lang, opened.created ? 'handoff.opened' : 'handoff.waiting');
  }

  /** What the caseworker sees of an exchange: its kind and entry, the words only when unanswered. */
  private recentTurn(reply: Reply, said: string | undefined): RecentTurn {
    const unanswered = reply.kind === 'fallback' && said !== undefined;
    return {
      at: this.now(),
      kind: reply.kind,
      ...(reply.intent ? { intent: reply.intent } : {}),
      ...(reply.entry ? { entry: reply.entry } : {}),
      ...(unanswered ? { question: said } : {}),
    };
  }

  /** Counts for the statistics; the text only of questions the bot could not answer or got a 👎. */
  private async record(user: UserRef, key: string, inbound: Inbound, said: string | undefined, reply: Reply, state: ConversationState): Promise<void> {
    const at = this.now();
    const base = { at, channel: user.channel, lang: reply.lang, ...(state.country ? { country: state.country } : {}) };
    const { store } = this.deps;
    const entry = reply.entry ?? (reply.detail ? reply.options[0]?.entry : undefined);
    await this.attempt(() => store.recordTurn({ ...base, kind: reply.kind, ...(entry ? { entry } : {}), ...(reply.topics[0] ? { topic: reply.topics[0] } : {}) }), undefined);

    if (said !== undefined && reply.kind === 'fallback') {
      await this.attempt(() => store.addQuestion({ ...base, userKey: key, reason: reply.detail ? 'detail' : 'fallback', text: said, ...(entry ? { entry } : {}) }), undefined);
    } else if (said !== undefined) {
      this.lastQuestions.remember(key, said);
    }

    const feedback = /^feedback:(up|down)$/.exec(inbound.action ?? '')?.[1] as 'up' | 'down' | undefined;
    if (feedback) {
      const about = state.lastEntry;
      const topic = about ? this.deps.engine().kb.entries.get(about)?.topic : undefined;
      const subject = { ...(about ? { entry: about } : {}), ...(topic ? { topic } : {}) };
      await this.attempt(() => store.recordFeedback({ ...base, ...subject, value: feedback }), undefined);
      const question = feedback === 'down' ? this.lastQuestions.take(key) : undefined;
      if (question) await this.attempt(() => store.addQuestion({ ...base, ...subject, userKey: key, reason: 'down', text: question }), undefined);
    }
  }

  private async read(key: string, urgent = false): Promise<StoredUser | undefined> {
    return this.attempt(() => this.deps.store.getUser(key), undefined, urgent ? SHORT_STORAGE_DEADLINE_MS : STORAGE_DEADLINE_MS);
  }

  private async save(user: UserRef, key: string, stored: StoredUser | undefined, state: ConversationState, receivedAt: number): Promise<void> {
    const at = this.now();
    await this.attempt(
      () =>
        this.deps.store.saveUser({
          key,
          channel: user.channel,
          role: stored?.role ?? 'family',
          state,
          lastInboundAt: Math.max(receivedAt, stored?.lastInboundAt ?? 0),
          updatedAt: at,
          ...(state.lang ? { lang: state.lang } : {}),
          ...(state.country ? { country: state.country } : {}),
        }),
      undefined,
    );
  }

  /**
   * Storage trouble must not silence the bot: log it and go on with `fallback`. Each call has a
   * deadline (a message about danger reads with a short one), and after a missed one the guard
   * skips storage for a few seconds.
   */
  private async attempt<T>(work: () => Promise<T>, fallback: T, deadlineMs = STORAGE_DEADLINE_MS): Promise<T> {
    try {
      return await this.guard.call(work, deadlineMs);
    } catch (err) {
      // Skipped calls are counted, but logged only once, when storage stopped answering.
      if (!(err instanceof StoragePaused)) this.deps.log.error({ err }, 'storage unavailable');
      this.deps.observer?.failed('storage');
      return fallback;
    }
  }

  /** Messages of one user are answered in order; different users run concurrently. */
  private serial<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return result;
  }
}
