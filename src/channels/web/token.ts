/**
 * Signed web-chat session tokens: the server chooses the user id and signs it; the browser can
 * only hand the token back. HMAC-SHA256, base64url, with an expiry.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export const TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export class SessionTokens {
  constructor(
    private readonly secret: string,
    private readonly now: () => number = Date.now,
  ) {}

  issue(user: string = randomUUID()): { token: string; user: string } {
    const payload = Buffer.from(JSON.stringify({ u: user, e: this.now() + TOKEN_TTL_MS })).toString('base64url');
    return { token: `${payload}.${this.sign(payload)}`, user };
  }

  /** The user id a token was issued for, or undefined if it is missing, forged or expired. */
  verify(token: unknown): string | undefined {
    if (typeof token !== 'string' || token.length > 512) return undefined;
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined) return undefined;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { u?: unknown; e?: unknown };
      if (typeof data.u !== 'string' || typeof data.e !== 'number' || data.e < this.now()) return undefined;
      return data.u;
    } catch {
      return undefined;
    }
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}
