/**
 * Sends messages through the Graph API, retrying 429, 5xx, timeouts and network errors with
 * exponential backoff (honouring Retry-After); other 4xx answers are final.
 */
import type { GraphMessage } from './render.js';

export class GraphError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Seconds the server asked us to wait (Retry-After), if any. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export interface GraphClientOptions {
  readonly graphUrl: string;
  readonly phoneNumberId: string;
  readonly accessToken: string;
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class GraphClient {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: GraphClientOptions) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async send(to: string, message: GraphMessage): Promise<void> {
    const url = `${this.options.graphUrl}/${this.options.phoneNumberId}/messages`;
    const body = JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to, ...message });
    let lastError: unknown;
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      if (attempt > 0) await sleep(this.delay(attempt, lastError));
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.options.accessToken}`, 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        if (res.ok) return;
        const error = new GraphError(res.status, `Graph API answered ${res.status}`, Number(res.headers.get('retry-after')) || undefined);
        await res.body?.cancel();
        if (res.status !== 429 && res.status < 500) throw error;
        lastError = error;
      } catch (err) {
        if (err instanceof GraphError && err.status !== 429 && err.status < 500) throw err;
        lastError = err;
      }
    }
    throw lastError instanceof Error ? lastError : new Error('Graph API unreachable');
  }

  private delay(attempt: number, error: unknown): number {
    const retryAfter = error instanceof GraphError ? error.retryAfter : undefined;
    if (retryAfter) return Math.min(retryAfter * 1000, 30_000);
    return Math.min(this.baseDelayMs * 2 ** (attempt - 1), 8_000);
  }
}
