import { describe, expect, it } from 'vitest';
import { SessionTokens, TOKEN_TTL_MS } from '../../src/channels/web/token.js';

describe('web session tokens', () => {
  it('verifies its own tokens and refuses forged, foreign and expired ones', () => {
    let now = 1_000_000;
    const tokens = new SessionTokens('s'.repeat(32), () => now);
    const { token, user } = tokens.issue();
    expect(tokens.verify(token)).toBe(user);
    expect(new SessionTokens('t'.repeat(32)).verify(token)).toBeUndefined();
    const [payload, sig] = token.split('.');
    const other = Buffer.from(JSON.stringify({ u: 'intruder', e: now + 1000 })).toString('base64url');
    expect(tokens.verify(`${other}.${sig}`)).toBeUndefined();
    expect(tokens.verify(`${payload}.${sig}.x`)).toBeUndefined();
    expect(tokens.verify(undefined)).toBeUndefined();
    expect(tokens.verify(42)).toBeUndefined();
    now += TOKEN_TTL_MS + 1;
    expect(tokens.verify(token)).toBeUndefined();
  });
});
