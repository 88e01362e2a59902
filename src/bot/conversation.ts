/**
 * The conversation every channel talks to: loads the user's session, applies the rate limit
 * (never to an emergency), runs the engine one message at a time per user, saves the session.
 * Channels only translate their protocol to `Inbound` and the `Reply` back.
 */
import type { Engine } from '../engine/engine.js';
import type { Inbound, Reply } from '../engine/types.js';
import type { Lang } from '../types.js';
import type { RateLimiter } from './rate-limit.js';
import type { SessionStore } from './sessions.js';

export type Channel = 'telegram' | 'whatsapp' | 'web';

export interface UserRef {
  readonly channel: Channel;
  readonly id: string;
}

export const userKey = (user: UserRef): string => `${user.channel}:${user.id}`;

export interface ConversationDeps {
  /** The current engine; a getter so a reloaded knowledge base is picked up on the next message. */
  readonly engine: () => Engine;
  readonly sessions: SessionStore;
  readonly limiter: RateLimiter;
}

export class Conversation {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: ConversationDeps) {}

  /** One message or button press. `undefined` means stay silent (a repeated rate-limit refusal). */
  handle(user: UserRef, inbound: Inbound): Promise<Reply | undefined> {
    return this.serial(userKey(user), () => this.turn(user, inbound));
  }

  /** A reply outside the engine's turn (unsupported media, errors), in the user's language. */
  async notice(user: UserRef, key: string): Promise<Reply> {
    const session = await this.deps.sessions.get(userKey(user));
    const lang: Lang = session?.lang ?? 'ru';
    return this.deps.engine().notice('notice', lang, key);
  }

  private async turn(user: UserRef, inbound: Inbound): Promise<Reply | undefined> {
    const engine = this.deps.engine();
    const key = userKey(user);
    const session = (await this.deps.sessions.get(key)) ?? {};
    // Safety first: an emergency is answered whatever the rate limit says.
    const urgent = inbound.text !== undefined && engine.parts.safety.isEmergency(inbound.text);
    if (!urgent) {
      const decision = this.deps.limiter.take(key);
      if (decision === 'limit-silent') return undefined;
      if (decision === 'limit-notify') return engine.notice('rate-limited', session.lang ?? 'ru', 'error.rate_limited');
    }
    const { reply, session: next } = engine.turn(inbound, session);
    await this.deps.sessions.set(key, next);
    return reply;
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
