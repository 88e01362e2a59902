/** A ticket's heading as caseworkers read it, in their language: number, channel, language, country, status. */
import type { Engine } from '../engine/engine.js';
import type { RecentTurn, Ticket } from '../store/types.js';
import type { Lang } from '../types.js';

export function describeTicket(ticket: Ticket, engine: Engine, lang: Lang): string {
  const t = (key: string, options?: Record<string, unknown>) => engine.t(lang, key, options);
  const heading = t('caseworker.ticket', {
    id: ticket.id,
    channel: t(`caseworker.channel.${ticket.channel}`),
    lang: ticket.lang,
    country: ticket.country ? t(`country.${ticket.country}`) : '—',
  });
  return `${heading} · ${t(`caseworker.status.${ticket.status}`, { caseworker: ticket.caseworker ?? '' })}`;
}

export interface RecentLine {
  readonly turn: RecentTurn;
  /** The entry's title in the caseworker's language. */
  readonly title?: string;
  readonly text: string;
}

/**
 * What the family saw before asking, in the caseworker's language: answers (by title), clarify
 * questions, the words of unanswered questions, emergency replies. Menus, language and country
 * picks say nothing about the family's need and are left out.
 */
export function recentLines(ticket: Ticket, engine: Engine, lang: Lang): RecentLine[] {
  return ticket.recent
    .filter((turn) => turn.kind !== 'intent')
    .map((turn) => {
      const title = turn.entry ? (engine.kb.entries.get(turn.entry)?.title[lang] ?? turn.entry) : undefined;
      const text = engine.t(lang, `caseworker.recent.${turn.kind}`, { entry: title ?? '', question: turn.question ?? '' });
      return { turn, text, ...(title ? { title } : {}) };
    });
}
