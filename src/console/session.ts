/**
 * The console's login cookie: `jardam_console=<payload>.<signature>`, where the payload (JSON,
 * base64url) holds the username, the role at login, the expiry and a stamp of the account, and
 * the signature is HMAC-SHA256 over the payload.
 *
 * The stamp is an HMAC of the account's password hash and creation time: changing a password, or
 * deleting an account and creating another of the same name, ends the sessions made before. The
 * cookie's role is informational: every request re-reads the account and acts with the stored role.
 *
 * The key is derived from CONSOLE_SECRET (or, unset, DATA_DIR/console-secret, generated once).
 * Instances behind one load balancer share accounts through the database, so they must share the
 * secret too: a cookie signed by one instance is checked by whichever instance the next request
 * reaches. An instance with another secret refuses the others' cookies (the caseworker is asked to
 * log in again) and logs a warning saying so. Changing the secret ends every session at once.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Account } from '../store/types.js';

export const COOKIE_NAME = 'jardam_console';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export type StaffRole = Account['role'];

export interface SessionClaims {
  readonly username: string;
  readonly role: StaffRole;
  /** Milliseconds since the epoch. */
  readonly expires: number;
  readonly stamp: string;
}

/** Why a presented cookie was not accepted (for the warning that helps find unshared secrets). */
export type CookieFault = 'missing' | 'malformed' | 'signature' | 'expired';

export class ConsoleSessions {
  readonly #key: Buffer;

  constructor(
    secret: string,
    private readonly now: () => number = Date.now,
  ) {
    // A key of its own, so the secret file is never used directly for anything else.
    this.#key = createHmac('sha256', secret).update('jardam console session v1').digest();
  }

  /** A short fingerprint of the key, safe to log: two instances showing different ones do not share the secret. */
  fingerprint(): string {
    return createHash('sha256').update(this.#key).digest('hex').slice(0, 12);
  }

  /** Binds a session to the account as it is now (password hash and creation time). */
  stampOf(account: Account): string {
    return createHmac('sha256', this.#key).update(`account\0${account.username}\0${account.passwordHash}\0${account.createdAt}`).digest('base64url').slice(0, 22);
  }

  issue(account: Account): { value: string; claims: SessionClaims } {
    const claims: SessionClaims = { username: account.username, role: account.role, expires: this.now() + SESSION_TTL_MS, stamp: this.stampOf(account) };
    const payload = Buffer.from(JSON.stringify({ u: claims.username, r: claims.role, e: claims.expires, s: claims.stamp })).toString('base64url');
    return { value: `${payload}.${this.sign(payload)}`, claims };
  }

  verify(value: string | undefined): { ok: true; claims: SessionClaims } | { ok: false; fault: CookieFault } {
    if (value === undefined || value === '') return { ok: false, fault: 'missing' };
    if (value.length > 1024) return { ok: false, fault: 'malformed' };
    const [payload, signature, extra] = value.split('.');
    if (!payload || !signature || extra !== undefined) return { ok: false, fault: 'malformed' };
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, fault: 'signature' };
    let data: { u?: unknown; r?: unknown; e?: unknown; s?: unknown };
    try {
      data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof data;
    } catch {
      return { ok: false, fault: 'malformed' };
    }
    if (typeof data.u !== 'string' || (data.r !== 'caseworker' && data.r !== 'admin') || typeof data.e !== 'number' || typeof data.s !== 'string') {
      return { ok: false, fault: 'malformed' };
    }
    if (data.e <= this.now()) return { ok: false, fault: 'expired' };
    return { ok: true, claims: { username: data.u, role: data.r, expires: data.e, stamp: data.s } };
  }

  /** True when the session was made for the account as it still is. */
  matches(claims: SessionClaims, account: Account): boolean {
    const expected = Buffer.from(this.stampOf(account));
    const given = Buffer.from(claims.stamp);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.#key).update(payload).digest('base64url');
  }
}

/** The value of one cookie from the request's Cookie header. */
export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    if (part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie header for a session (or, with `value` empty, one that removes it). */
export function sessionCookie(value: string, options: { secure: boolean; maxAgeSeconds: number }): string {
  const expires = options.maxAgeSeconds > 0 ? '' : '; Expires=Thu, 01 Jan 1970 00:00:00 GMT';
  return `${COOKIE_NAME}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${options.maxAgeSeconds}${expires}${options.secure ? '; Secure' : ''}`;
}
