/**
 * What Jardam keeps between messages and across instances, behind one interface. Two
 * implementations share the same SQL and migrations: SQLite (a file under the data directory)
 * and PostgreSQL (when DATABASE_URL is set). Times are milliseconds since the epoch.
 *
 * Privacy: users are stored under a pseudonymous key (`channel:hash`, see pseudonym.ts), never
 * their phone number or Telegram id; the one exception is an open ticket's `address`, needed to
 * deliver a caseworker's reply, cleared when the ticket closes. Text is stored only for
 * unanswered or 👎 questions and for ticket messages, always redacted first.
 */
import type { ReplyKind, Session } from '../engine/types.js';
import type { Channel, Lang, UserCountry } from '../types.js';

export type Role = 'family' | 'caseworker' | 'admin';

/** One exchange the caseworker sees when a family asks for a person (no text unless unanswered). */
export interface RecentTurn {
  readonly at: number;
  readonly kind: ReplyKind;
  readonly intent?: string;
  readonly entry?: string;
  /** The question, redacted, only when the bot could not answer it (it is stored anyway then). */
  readonly question?: string;
}

/** The conversation state: the engine's session plus what handoff needs. */
export interface ConversationState extends Session {
  recent?: RecentTurn[];
}

export interface StoredUser {
  /** Pseudonymous key, `channel:hash`. */
  readonly key: string;
  readonly channel: Channel;
  readonly lang?: Lang;
  readonly country?: UserCountry;
  readonly role: Role;
  readonly state: ConversationState;
  /** When the user last wrote (WhatsApp's 24-hour window starts here). */
  readonly lastInboundAt?: number;
  readonly updatedAt: number;
}

/** One reply, as a count for the statistics: no user, no text. */
export interface TurnRecord {
  readonly at: number;
  readonly channel: Channel;
  readonly lang: Lang;
  readonly country?: UserCountry;
  readonly kind: ReplyKind;
  /** The answered or offered entry, and its main topic. */
  readonly entry?: string;
  readonly topic?: string;
}

export interface FeedbackRecord {
  readonly at: number;
  readonly channel: Channel;
  readonly lang: Lang;
  readonly country?: UserCountry;
  readonly entry?: string;
  readonly topic?: string;
  readonly value: 'up' | 'down';
}

/** Why a question's text was kept: the bot fell back, lacked the asked detail, or got a 👎. */
export type QuestionReason = 'fallback' | 'detail' | 'down';

export interface NewQuestion {
  readonly at: number;
  readonly userKey: string;
  readonly channel: Channel;
  readonly lang: Lang;
  readonly country?: UserCountry;
  readonly reason: QuestionReason;
  readonly entry?: string;
  /** Already redacted. */
  readonly text: string;
}

export interface StoredQuestion extends NewQuestion {
  readonly id: number;
}

export type TicketStatus = 'open' | 'taken' | 'closed';
export type TicketReason = 'asked' | 'fallback' | 'down' | 'emergency';

export interface NewTicket {
  readonly userKey: string;
  readonly channel: Channel;
  /** The channel's own id for the family (chat id, phone, web user), to deliver replies. */
  readonly address: string;
  readonly lang: Lang;
  readonly country?: UserCountry;
  readonly reason: TicketReason;
  readonly recent: readonly RecentTurn[];
  readonly at: number;
}

export interface Ticket extends Omit<NewTicket, 'address'> {
  readonly id: number;
  readonly status: TicketStatus;
  /** Cleared when the ticket closes. */
  readonly address?: string;
  readonly caseworker?: string;
  readonly updatedAt: number;
  readonly closedAt?: number;
}

export type TicketAuthor = 'family' | 'caseworker' | 'bot';

export interface NewTicketMessage {
  readonly ticketId: number;
  readonly at: number;
  readonly from: TicketAuthor;
  /** The caseworker's name, for caseworker messages. */
  readonly author?: string;
  /** Already redacted. */
  readonly text: string;
  /** False when the message could not reach the family (WhatsApp window closed, web offline). */
  readonly delivered: boolean;
}

export interface TicketMessage extends NewTicketMessage {
  readonly id: number;
}

export interface Account {
  readonly username: string;
  readonly role: Exclude<Role, 'family'>;
  /** scrypt hash with its salt, see accounts/password.ts. */
  readonly passwordHash: string;
  /** The caseworker's Telegram user id, so they can act in the caseworkers' group. */
  readonly telegramId?: string;
  readonly createdAt: number;
}

export interface AuditRecord {
  readonly at: number;
  /** Who acted: an account name, `telegram:<id>`, or `cli`. */
  readonly actor: string;
  readonly action: string;
  readonly target?: string;
  readonly detail?: string;
}

/** Counts grouped by every dimension the statistics report; the report sums what it needs. */
export interface TurnCount {
  readonly week: string;
  readonly channel: Channel;
  readonly lang: Lang;
  readonly country: UserCountry | null;
  readonly kind: ReplyKind;
  readonly topic: string | null;
  readonly count: number;
}

export interface FeedbackCount {
  readonly week: string;
  readonly channel: Channel;
  readonly lang: Lang;
  readonly country: UserCountry | null;
  readonly topic: string | null;
  readonly value: 'up' | 'down';
  readonly count: number;
}

/** A delivery accepted from a webhook and not answered yet. */
export interface WaitingDelivery {
  readonly id: string;
  readonly channel: Channel;
  /** The channel's own payload, as JSON. */
  readonly payload: string;
  readonly at: number;
  readonly leaseUntil: number;
}

export interface PurgeResult {
  readonly questions: number;
  readonly tickets: number;
  readonly users: number;
  readonly processed: number;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';

  getUser(key: string): Promise<StoredUser | undefined>;
  saveUser(user: StoredUser): Promise<void>;

  /** Marks a delivery id as processed; false if any instance already did (answer it once). */
  claim(id: string, at: number): Promise<boolean>;

  /**
   * Records deliveries not seen before, holding each payload until `finish`; resolves to the ids
   * that were new (the others are replays). `leaseUntil` 0 lets any instance take one.
   */
  enqueue(deliveries: readonly WaitingDelivery[]): Promise<Set<string>>;
  /** Takes up to `limit` of `channel`'s waiting deliveries that no one holds at `now`, oldest first, holding them until `leaseUntil`. */
  takeWaiting(channel: Channel, now: number, leaseUntil: number, limit: number): Promise<WaitingDelivery[]>;
  /** Drops the payloads of answered deliveries (their ids stay, against replays). */
  finish(ids: readonly string[]): Promise<void>;
  /** Lets any instance take these deliveries at once (this one will not answer them). */
  release(ids: readonly string[]): Promise<void>;

  recordTurn(turn: TurnRecord): Promise<void>;
  recordFeedback(feedback: FeedbackRecord): Promise<void>;
  turnCounts(since?: number): Promise<TurnCount[]>;
  feedbackCounts(since?: number): Promise<FeedbackCount[]>;

  addQuestion(question: NewQuestion): Promise<StoredQuestion>;
  questions(options?: { since?: number; reasons?: readonly QuestionReason[] }): Promise<StoredQuestion[]>;

  /** Opens a ticket, or returns the family's ticket that is still open. */
  openTicket(ticket: NewTicket): Promise<{ ticket: Ticket; created: boolean }>;
  ticket(id: number): Promise<Ticket | undefined>;
  /** The family's ticket that is not closed, if any. */
  activeTicket(userKey: string): Promise<Ticket | undefined>;
  tickets(options?: { status?: readonly TicketStatus[]; limit?: number }): Promise<Ticket[]>;
  /** Takes an open (or re-takes one's own) ticket; undefined if another caseworker has it or it is closed. */
  takeTicket(id: number, caseworker: string, at: number): Promise<Ticket | undefined>;
  /** Closes a ticket that is not closed yet, forgetting the delivery address; undefined if already closed. */
  closeTicket(id: number, at: number): Promise<Ticket | undefined>;
  addTicketMessage(message: NewTicketMessage): Promise<TicketMessage>;
  ticketMessages(ticketId: number): Promise<TicketMessage[]>;
  /** A message kept for a family that was away has now reached it. */
  markDelivered(messageId: number): Promise<void>;

  /** False when the name or the Telegram id is taken already. */
  createAccount(account: Account): Promise<boolean>;
  account(username: string): Promise<Account | undefined>;
  accountByTelegram(telegramId: string): Promise<Account | undefined>;
  accounts(): Promise<Account[]>;
  deleteAccount(username: string): Promise<boolean>;

  audit(record: AuditRecord): Promise<void>;
  auditLog(limit?: number): Promise<AuditRecord[]>;

  /** Deletes everything stored about one user (settings, state, questions, tickets). */
  forget(userKey: string): Promise<number>;
  /**
   * Deletes personal data older than `before` (questions, tickets closed before it, users idle
   * since before it) and answered delivery ids older than `processedBefore`. A waiting delivery
   * older than `before` goes too: past retention nothing of it is kept, answered or not.
   */
  purge(options: { before: number; processedBefore: number }): Promise<PurgeResult>;

  /** Stores `value` under `name` unless a value is there already; resolves to the stored value. */
  pinSetting(name: string, value: string): Promise<string>;

  close(): Promise<void>;
}
