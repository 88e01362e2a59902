/** What the console's JSON API shows of tickets, messages and the knowledge base: chosen fields only. */
import type { Engine } from '../engine/engine.js';
import { describeTicket, recentLines } from '../handoff/describe.js';
import { formatProblem } from '../kb/problem.js';
import type { KnowledgeStatus } from '../server/live-engine.js';
import type { Ticket, TicketMessage } from '../store/types.js';
import type { Lang } from '../types.js';

/** A ticket as the page sees it: chosen fields only — never the address, never the user key. */
export function ticketView(ticket: Ticket, me: string, engine: Engine, lang: Lang) {
  return {
    id: ticket.id,
    status: ticket.status,
    channel: ticket.channel,
    lang: ticket.lang,
    ...(ticket.country ? { country: ticket.country } : {}),
    reason: ticket.reason,
    ...(ticket.caseworker ? { caseworker: ticket.caseworker } : {}),
    mine: ticket.caseworker === me,
    openedAt: ticket.at,
    updatedAt: ticket.updatedAt,
    ...(ticket.closedAt !== undefined ? { closedAt: ticket.closedAt } : {}),
    heading: describeTicket(ticket, engine, lang),
  };
}

export function messageView(message: TicketMessage) {
  return {
    id: message.id,
    at: message.at,
    from: message.from,
    ...(message.author ? { author: message.author } : {}),
    text: message.text,
    delivered: message.delivered,
  };
}

/** What the family saw before asking, entry titles in the caseworker's language. */
export function recentView(ticket: Ticket, engine: Engine, lang: Lang) {
  return recentLines(ticket, engine, lang).map(({ turn, title, text }) => ({
    at: turn.at,
    kind: turn.kind,
    ...(turn.entry ? { entry: turn.entry } : {}),
    ...(title ? { title } : {}),
    ...(turn.question ? { question: turn.question } : {}),
    text,
  }));
}

export function knowledgeView(status: KnowledgeStatus) {
  const rejection = status.lastRejection;
  return {
    version: status.version,
    loadedAt: status.loadedAt,
    entries: status.entries,
    watching: status.watching,
    stale: status.stale,
    ...(rejection
      ? {
          lastRejection: {
            at: rejection.at,
            changed: rejection.changed,
            problems: rejection.problems.map((p) => ({ file: p.file, field: p.field, ...(p.lang ? { lang: p.lang } : {}), message: p.message, text: formatProblem(p) })),
          },
        }
      : {}),
  };
}
