/** The parts of handoff that channels provide: delivering to families, telling caseworkers. */
import type { Ticket } from '../store/types.js';

/** `window-closed`: WhatsApp's 24 hours are over; `offline`: the web chat is not open on this instance. */
export type DeliveryResult = 'sent' | 'window-closed' | 'offline';

/** Sends a caseworker's words to a family on its own channel. */
export interface FamilyDelivery {
  deliver(address: string, text: string): Promise<DeliveryResult>;
}

/** Where caseworkers are told about tickets as they happen (the Telegram caseworkers' group). */
export interface CaseworkerBoard {
  ticketOpened(ticket: Ticket): Promise<void>;
  familyWrote(ticket: Ticket, text: string, urgent: boolean): Promise<void>;
  caseworkerReplied(ticket: Ticket, author: string, text: string, result: DeliveryResult): Promise<void>;
  ticketChanged(ticket: Ticket, actor: string): Promise<void>;
}
