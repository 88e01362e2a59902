/**
 * Users are stored under a keyed hash of their channel id, never the id itself: a WhatsApp id is
 * a phone number, and families may be undocumented. The same secret gives the same key, so
 * `jardam forget whatsapp:+996…` finds what to delete; a leaked table holds no phone numbers.
 */
import { createHash, createHmac } from 'node:crypto';
import type { UserRef } from '../types.js';

export class Pseudonyms {
  constructor(private readonly secret: string) {}

  key(user: UserRef): string {
    const digest = createHmac('sha256', this.secret).update(`${user.channel}:${user.id}`).digest('base64url');
    return `${user.channel}:${digest.slice(0, 22)}`;
  }

  /** Identifies the secret without revealing it, so instances sharing a database can check they agree. */
  fingerprint(): string {
    return createHash('sha256').update(`jardam-pseudonym:${this.secret}`).digest('base64url').slice(0, 16);
  }
}
