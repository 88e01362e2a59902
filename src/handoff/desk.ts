/**
 * The caseworkers' desk: opens tickets when a family asks for a person, passes the family's
 * messages to caseworkers, and carries caseworkers' replies back on the family's own channel.
 * Every caseworker action is written to the audit log. Text is redacted before it is stored.
 */
import type { Logger } from 'pino';
import type { Translate } from '../engine/i18n.js';
import { redact } from '../privacy/redact.js';
import type { AuditRecord, Store, Ticket, TicketReason } from '../store/types.js';
import type { Channel, Lang, UserCountry, UserRef } from '../types.js';
import type { RecentTurn } from '../store/types.js';
import type { CaseworkerBoard, DeliveryResult, FamilyDelivery } from './types.js';

export interface DeskDeps {
  readonly store: Store;
  readonly t: () => Translate;
  readonly log: Logger;
  readonly now?: () => number;
}

export interface OpenRequest {
  readonly user: UserRef;
  readonly key: string;
  readonly lang: Lang;
  readonly country?: UserCountry;
  readonly reason: TicketReason;
  readonly recent: readonly RecentTurn[];
}

/** Why a caseworker's action did nothing. */
export type Refusal = 'unknown' | 'closed' | 'taken-by-other';

export type ReplyOutcome = { ok: true; result: DeliveryResult; ticket: Ticket } | { ok: false; refusal: Refusal };

export class HandoffDesk {
  private readonly boards: CaseworkerBoard[] = [];
  private readonly deliveries = new Map<Channel, FamilyDelivery>();
  private readonly now: () => number;

  constructor(private readonly deps: DeskDeps) {
    this.now = deps.now ?? Date.now;
  }

  addBoard(board: CaseworkerBoard): void {
    this.boards.push(board);
  }

  deliverOn(channel: Channel, delivery: FamilyDelivery): void {
    this.deliveries.set(channel, delivery);
  }

  /** Someone can take a ticket: a caseworkers' group, or caseworker accounts for the web console. */
  async staffed(): Promise<boolean> {
    if (this.boards.length > 0) return true;
    return (await this.deps.store.accounts()).length > 0;
  }

  async open(request: OpenRequest): Promise<{ ticket: Ticket; created: boolean }> {
    const opened = await this.deps.store.openTicket({
      userKey: request.key,
      channel: request.user.channel,
      address: request.user.id,
      lang: request.lang,
      reason: request.reason,
      recent: request.recent,
      at: this.now(),
      ...(request.country ? { country: request.country } : {}),
    });
    if (opened.created) {
      this.deps.log.info({ ticket: opened.ticket.id, channel: request.user.channel, reason: request.reason }, 'ticket opened');
      await this.tell((b) => b.ticketOpened(opened.ticket));
    }
    return opened;
  }

  /** A family's message while its ticket is active: kept (redacted) and passed to caseworkers. */
  async fromFamily(ticket: Ticket, text: string, urgent: boolean): Promise<void> {
    const clean = redact(text);
    await this.deps.store.addTicketMessage({ ticketId: ticket.id, at: this.now(), from: 'family', text: clean, delivered: true });
    await this.tell((b) => b.familyWrote(ticket, clean, urgent));
  }

  async take(id: number, actor: string): Promise<{ ok: true; ticket: Ticket } | { ok: false; refusal: Refusal }> {
    const before = await this.deps.store.ticket(id);
    // Already this caseworker's: nothing to record or announce again (each reply takes the ticket).
    if (before?.status === 'taken' && before.caseworker === actor) return { ok: true, ticket: before };
    const taken = await this.deps.store.takeTicket(id, actor, this.now());
    if (!taken) return { ok: false, refusal: await this.whyNot(id) };
    await this.audit({ actor, action: 'ticket.take', target: String(id) });
    await this.tell((b) => b.ticketChanged(taken, actor));
    return { ok: true, ticket: taken };
  }

  /** Sends a caseworker's reply to the family; an open ticket is taken by the one who answers. */
  async reply(id: number, actor: string, text: string): Promise<ReplyOutcome> {
    const taken = await this.take(id, actor);
    if (!taken.ok) return taken;
    const ticket = taken.ticket;
    const framed = this.deps.t()(ticket.lang, 'handoff.from_caseworker', { text });
    const result = await this.deliver(ticket, framed);
    // A caseworker's own words are kept as written (often a number the family needs), until the ticket is purged.
    await this.deps.store.addTicketMessage({ ticketId: id, at: this.now(), from: 'caseworker', author: actor, text, delivered: result === 'sent' });
    await this.audit({ actor, action: 'ticket.reply', target: String(id), detail: result });
    await this.tell((b) => b.caseworkerReplied(ticket, actor, text, result));
    return { ok: true, result, ticket };
  }

  /** Closes the ticket and tells the family that the bot answers again. */
  async close(id: number, actor: string): Promise<{ ok: true; ticket: Ticket; result: DeliveryResult } | { ok: false; refusal: Refusal }> {
    const before = await this.deps.store.ticket(id);
    if (!before) return { ok: false, refusal: 'unknown' };
    if (before.caseworker && before.caseworker !== actor && before.status === 'taken') return { ok: false, refusal: 'taken-by-other' };
    const closed = await this.deps.store.closeTicket(id, this.now());
    if (!closed) return { ok: false, refusal: 'closed' };
    // The address is gone from the stored ticket now; the one read before closing still has it.
    const result = await this.deliver(before, this.deps.t()(before.lang, 'handoff.closed'));
    await this.audit({ actor, action: 'ticket.close', target: String(id) });
    await this.tell((b) => b.ticketChanged(closed, actor));
    return { ok: true, ticket: closed, result };
  }

  /**
   * Caseworker messages the family has not received yet (its web chat was closed, or WhatsApp's
   * window had shut), framed for the family, marked delivered: the channel sends them now.
   */
  async takeUndelivered(key: string): Promise<string[]> {
    const ticket = await this.deps.store.activeTicket(key);
    if (!ticket) return [];
    const waiting = (await this.deps.store.ticketMessages(ticket.id)).filter((m) => m.from === 'caseworker' && !m.delivered);
    for (const message of waiting) await this.deps.store.markDelivered(message.id);
    return waiting.map((m) => this.deps.t()(ticket.lang, 'handoff.from_caseworker', { text: m.text }));
  }

  private async deliver(ticket: Ticket, text: string): Promise<DeliveryResult> {
    const delivery = this.deliveries.get(ticket.channel);
    if (!delivery || !ticket.address) return 'offline';
    try {
      return await delivery.deliver(ticket.address, text);
    } catch (err) {
      this.deps.log.error({ err, ticket: ticket.id, channel: ticket.channel }, 'delivery to the family failed');
      return 'offline';
    }
  }

  private async whyNot(id: number): Promise<Refusal> {
    const ticket = await this.deps.store.ticket(id);
    if (!ticket) return 'unknown';
    return ticket.status === 'closed' ? 'closed' : 'taken-by-other';
  }

  private audit(record: Omit<AuditRecord, 'at'>): Promise<void> {
    return this.deps.store.audit({ at: this.now(), ...record });
  }

  /** Caseworkers hear about tickets on every board; one board failing does not stop the others. */
  private async tell(event: (board: CaseworkerBoard) => Promise<void>): Promise<void> {
    for (const board of this.boards) {
      try {
        await event(board);
      } catch (err) {
        this.deps.log.error({ err }, 'caseworker notification failed');
      }
    }
  }
}
