import { describe, expect, it } from 'vitest';
import { LOCK_MS, LoginThrottle, MAX_FAILURES, WINDOW_MS } from '../../src/console/lockout.js';

describe('login throttle', () => {
  it('locks a username after the fifth failure within 15 minutes, for 15 minutes', () => {
    let now = 1_000_000;
    const throttle = new LoginThrottle(() => now);
    for (let i = 1; i < MAX_FAILURES; i++) {
      expect(throttle.failed('Alice')).toBe(false);
      now += 1000;
    }
    expect(throttle.lockedFor('alice')).toBe(0);
    expect(throttle.failed('ALICE')).toBe(true);
    expect(throttle.lockedFor('alice')).toBe(LOCK_MS);
    expect(throttle.lockedFor('bob')).toBe(0);
    now += LOCK_MS - 1;
    expect(throttle.lockedFor('alice')).toBe(1);
    now += 1;
    expect(throttle.lockedFor('alice')).toBe(0);
    // The count starts again after a lock.
    expect(throttle.failed('alice')).toBe(false);
  });

  it('forgets failures older than the window, and all of them after a success', () => {
    let now = 0;
    const throttle = new LoginThrottle(() => now);
    for (let i = 1; i < MAX_FAILURES; i++) throttle.failed('alice');
    now += WINDOW_MS + 1;
    expect(throttle.failed('alice')).toBe(false);
    for (let i = 2; i < MAX_FAILURES; i++) throttle.failed('bob');
    throttle.succeeded('bob');
    for (let i = 1; i < MAX_FAILURES; i++) expect(throttle.failed('bob')).toBe(false);
  });

  it('keeps memory bounded under a flood of made-up usernames', () => {
    let now = 0;
    const throttle = new LoginThrottle(() => now);
    for (let i = 0; i < 30_000; i++) {
      throttle.failed(`user-${i}`);
      now += 1;
    }
    expect(throttle.tracked).toBeLessThanOrEqual(10_001);
  });
});
