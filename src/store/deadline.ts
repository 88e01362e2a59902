/**
 * A database that hangs (a network partition, a stalled server) must not hold a reply: a storage
 * call given a deadline fails when it passes, and the caller goes on as if the database were down.
 * The call itself may still finish later; the driver's own timeouts end it.
 */
export class StorageTimeout extends Error {
  constructor(ms: number) {
    super(`the database did not answer within ${ms} ms`);
  }
}

export function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StorageTimeout(ms)), ms);
  });
  // A late failure of the abandoned call is not an unhandled rejection.
  work.catch(() => undefined);
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** How long a storage call may take before the bot goes on without it. */
export const STORAGE_DEADLINE_MS = 2_000;
/**
 * The same for a message about danger: its reply does not wait on the database. Missing this one
 * proves little (a busy database may take that long), so it does not pause storage.
 */
export const SHORT_STORAGE_DEADLINE_MS = 300;
/** How long storage is left alone after it failed to answer in time. */
const PAUSE_MS = 5_000;

/** Storage is not asked now: it stopped answering a moment ago. */
export class StoragePaused extends Error {
  constructor() {
    super('the database stopped answering a moment ago: not asked again yet');
  }
}

/**
 * One per server, shared by everything that reads or writes: storage calls get a deadline, and
 * after one misses the full `STORAGE_DEADLINE_MS` storage is left alone for a few seconds (calls
 * fail at once), so a hanging database delays a reply once at most rather than at every step.
 */
export class StorageGuard {
  private pausedUntil = 0;

  async call<T>(work: () => Promise<T>, deadlineMs = STORAGE_DEADLINE_MS): Promise<T> {
    if (Date.now() < this.pausedUntil) throw new StoragePaused();
    try {
      return await withinDeadline(work(), deadlineMs);
    } catch (err) {
      if (err instanceof StorageTimeout && deadlineMs >= STORAGE_DEADLINE_MS) this.pausedUntil = Date.now() + PAUSE_MS;
      throw err;
    }
  }
}
