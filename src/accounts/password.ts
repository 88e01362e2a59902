/**
 * Passwords of caseworker and administrator accounts: scrypt with a random salt. The stored
 * string carries its parameters (`scrypt$N$r$p$salt$hash`, base64url), so they can be raised
 * later without breaking the accounts created before. Verification runs in constant time.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export const MIN_PASSWORD_LENGTH = 10;
/** Longer inputs are refused before hashing: nobody types them, and they would only cost CPU. */
export const MAX_PASSWORD_LENGTH = 1024;

/** 2^15 × 8 × 128 bytes = 32 MiB of memory and some tens of milliseconds per hash. */
const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** Upper bounds for parameters read from a stored string (a corrupted row must not exhaust memory). */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

export class PasswordError extends Error {}

function derive(plain: string, salt: Buffer, length: number, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  // Node refuses above 32 MiB by default; allow what the parameters need, with room.
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(plain.normalize('NFC'), salt, length, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** Why a new password is not acceptable, or undefined when it is. */
export function passwordProblem(plain: string): string | undefined {
  if ([...plain].length < MIN_PASSWORD_LENGTH) return `the password must be at least ${MIN_PASSWORD_LENGTH} characters long`;
  if (plain.length > MAX_PASSWORD_LENGTH) return `the password must be at most ${MAX_PASSWORD_LENGTH} characters long`;
  return undefined;
}

/** Hashes a new password; throws `PasswordError` when it is too short (or absurdly long). */
export async function hashPassword(plain: string): Promise<string> {
  const problem = passwordProblem(plain);
  if (problem) throw new PasswordError(problem);
  const salt = randomBytes(SALT_LENGTH);
  const hash = await derive(plain, salt, KEY_LENGTH, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** True when `plain` is the password `stored` was made from; false for anything else, malformed strings included. */
export async function verifyPassword(plain: string, stored: string): Promise<boolean> {
  if (typeof plain !== 'string' || typeof stored !== 'string' || plain.length > MAX_PASSWORD_LENGTH) return false;
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map((v) => (/^\d{1,8}$/.test(v) ? Number(v) : NaN)) as [number, number, number];
  const powerOfTwo = Number.isInteger(N) && N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > MAX_N || !(r >= 1 && r <= MAX_R) || !(p >= 1 && p <= MAX_P)) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (salt.length < 8 || expected.length < 16 || expected.length > 128) return false;
  const actual = await derive(plain, salt, expected.length, { N, r, p });
  return timingSafeEqual(actual, expected);
}
