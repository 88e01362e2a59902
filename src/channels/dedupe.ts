/**
 * Telegram and Meta re-send a delivery they think we missed; each is answered once. The store
 * makes that hold across instances sharing a database; if the database cannot be reached, this
 * process's own memory of recent ids takes over, so a message is never dropped for it.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';
import { StorageGuard } from '../store/deadline.js';

/** The ids this process has seen lately, the oldest forgotten past `capacity`. */
export class RecentIds {
  private readonly seen = new Set<string>();

  constructor(private readonly capacity = 10_000) {}

  /** True the first time an id is seen here. */
  firstTime(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.values().next().value!);
    return true;
  }
}

export class Deduplicator {
  private readonly recent = new RecentIds();

  constructor(
    private readonly store: Pick<Store, 'claim'> | undefined,
    private readonly log: Logger,
    private readonly guard = new StorageGuard(),
  ) {}

  /** True the first time an id is seen (by any instance). */
  async firstTime(id: string): Promise<boolean> {
    if (this.store) {
      try {
        return await this.guard.call(() => this.store!.claim(id, Date.now()));
      } catch (err) {
        this.log.warn({ err }, 'de-duplication falls back to this process');
      }
    }
    return this.recent.firstTime(id);
  }
}
