/**
 * Deletes personal data past the retention period: at start, then every hour. Delivery ids are
 * needed only against re-sent webhooks, so they go after two days. Each instance runs it; the
 * deletes are idempotent, so several instances on one database do no harm.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const PROCESSED_IDS_KEPT = 2 * DAY;

export interface RetentionDeps {
  readonly store: Store;
  readonly days: number;
  readonly log: Logger;
  readonly now?: () => number;
}

/** One purge; resolves to what was deleted. */
export async function purgeExpired({ store, days, now = Date.now }: Omit<RetentionDeps, 'log'>) {
  const at = now();
  return store.purge({ before: at - days * DAY, processedBefore: at - PROCESSED_IDS_KEPT });
}

export function startRetention(deps: RetentionDeps): { stop(): void } {
  const run = () =>
    purgeExpired(deps).then(
      (deleted) => deps.log.info({ deleted, retentionDays: deps.days }, 'retention purge'),
      (err: unknown) => deps.log.error({ err }, 'retention purge failed'),
    );
  void run();
  const timer = setInterval(() => void run(), HOUR);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
