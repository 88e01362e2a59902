/**
 * Where a user's session (language, country, last options) lives between messages. Channels
 * and the conversation only see this interface; the in-memory store serves one process.
 */
import type { Session } from '../engine/types.js';

export interface SessionStore {
  get(user: string): Promise<Session | undefined>;
  set(user: string, session: Session): Promise<void>;
  delete(user: string): Promise<void>;
}

/** Keeps the most recently active sessions, up to `capacity`, so memory stays bounded. */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly capacity = 100_000) {}

  async get(user: string): Promise<Session | undefined> {
    const session = this.sessions.get(user);
    if (session) {
      this.sessions.delete(user);
      this.sessions.set(user, session);
    }
    return session;
  }

  async set(user: string, session: Session): Promise<void> {
    this.sessions.delete(user);
    this.sessions.set(user, session);
    if (this.sessions.size > this.capacity) this.sessions.delete(this.sessions.keys().next().value!);
  }

  async delete(user: string): Promise<void> {
    this.sessions.delete(user);
  }
}
