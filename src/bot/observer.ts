/**
 * What the conversation reports for monitoring (the server turns it into Prometheus metrics):
 * the channel, the kind and language of each reply and how long it took. Never the text, never
 * who wrote: every field comes from a small fixed set.
 */
import type { ReplyKind } from '../engine/types.js';
import type { Channel, Lang } from '../types.js';

/** A reply's kind, or `silent`: no reply on purpose (rate limited, or a caseworker has the family). */
export type MessageOutcome = ReplyKind | 'silent';

export interface HandledMessage {
  readonly channel: Channel;
  readonly kind: MessageOutcome;
  /** The reply's language; absent for a silence. */
  readonly lang?: Lang;
  /** From the message reaching the conversation to its reply (waiting behind the user's previous message included). */
  readonly seconds: number;
}

/** Where the conversation caught an error: its turn failed, or storage did (and it went on without). */
export type ConversationFailure = 'conversation' | 'storage';

export interface ConversationObserver {
  handled(message: HandledMessage): void;
  failed(where: ConversationFailure): void;
}
