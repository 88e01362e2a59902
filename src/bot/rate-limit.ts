/**
 * Per-user message rate limit over a sliding window. The caller decides what is exempt
 * (emergencies always are); the limiter only counts.
 */
export type RateDecision = 'allow' | 'limit-notify' | 'limit-silent';

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly notified = new Set<string>();

  constructor(
    private readonly perWindow: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one message; over the limit, the first refusal in a window is notified, the rest are silent. */
  take(user: string): RateDecision {
    const now = this.now();
    const recent = (this.hits.get(user) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.perWindow) {
      this.hits.set(user, recent);
      if (this.notified.has(user)) return 'limit-silent';
      this.notified.add(user);
      return 'limit-notify';
    }
    recent.push(now);
    this.hits.set(user, recent);
    this.notified.delete(user);
    if (this.hits.size > 50_000) this.prune(now);
    return 'allow';
  }

  private prune(now: number): void {
    for (const [user, times] of this.hits) if (times.every((t) => now - t >= this.windowMs)) this.hits.delete(user);
  }
}
