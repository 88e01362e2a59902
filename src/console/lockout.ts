/**
 * Login throttling: after MAX_FAILURES wrong passwords for one username within WINDOW_MS, every
 * login for that username is refused for LOCK_MS, the right password included.
 *
 * Kept in memory, per instance: a restart forgets it, and with several instances behind a load
 * balancer an attacker gets MAX_FAILURES tries per instance per window. That bounds guessing to
 * a handful of tries per quarter hour per instance, which against passwords of 10+ characters is
 * enough; a shared counter would need a table of its own. Usernames are compared case-insensitively
 * and unknown usernames are counted like known ones, so the answer never tells which exist.
 */
export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60 * 1000;
export const LOCK_MS = 15 * 60 * 1000;
/** Beyond this many usernames tracked, the oldest are forgotten (a flood of made-up names must not fill memory). */
const MAX_TRACKED = 10_000;

interface Attempts {
  failures: number[];
  lockedUntil: number;
}

export class LoginThrottle {
  readonly #attempts = new Map<string, Attempts>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds until this username may try again, or 0 when it may now. */
  lockedFor(username: string): number {
    const entry = this.#attempts.get(keyOf(username));
    if (!entry) return 0;
    return Math.max(0, entry.lockedUntil - this.now());
  }

  /** Counts a wrong password; true when this failure locks the username. */
  failed(username: string): boolean {
    const key = keyOf(username);
    const now = this.now();
    const entry = this.#attempts.get(key) ?? { failures: [], lockedUntil: 0 };
    entry.failures = entry.failures.filter((at) => at > now - WINDOW_MS);
    entry.failures.push(now);
    let locked = false;
    if (entry.failures.length >= MAX_FAILURES) {
      entry.lockedUntil = now + LOCK_MS;
      entry.failures = [];
      locked = true;
    }
    // Re-inserted at the end: the Map's order is then oldest activity first.
    this.#attempts.delete(key);
    this.#attempts.set(key, entry);
    this.prune(now);
    return locked;
  }

  /** How many usernames are tracked now. */
  get tracked(): number {
    return this.#attempts.size;
  }

  succeeded(username: string): void {
    this.#attempts.delete(keyOf(username));
  }

  private prune(now: number): void {
    for (const [key, entry] of this.#attempts) {
      const stale = entry.lockedUntil <= now && entry.failures.every((at) => at <= now - WINDOW_MS);
      if (stale || this.#attempts.size > MAX_TRACKED) this.#attempts.delete(key);
      else break;
    }
  }
}

function keyOf(username: string): string {
  return username.normalize('NFC').toLowerCase();
}
