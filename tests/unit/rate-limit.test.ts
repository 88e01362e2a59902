import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/bot/rate-limit.js';

describe('rate limiter', () => {
  it('allows the limit per window, notifies once, then stays silent until the window passes', () => {
    let now = 0;
    const limiter = new RateLimiter(3, 60_000, () => now);
    expect([1, 2, 3].map(() => limiter.take('u'))).toEqual(['allow', 'allow', 'allow']);
    expect(limiter.take('u')).toBe('limit-notify');
    expect(limiter.take('u')).toBe('limit-silent');
    expect(limiter.take('other')).toBe('allow');
    now = 60_001;
    expect(limiter.take('u')).toBe('allow');
  });
});
