/** A ticket's heading as caseworkers read it, in their language: number, channel, language, country, status. */
import type { Engine } from '../engine/engine.js';
import type { Ticket } from '../store/types.js';
import type { Lang } from '../types.js';

const CHANNEL_NAMES = { telegram: 'Telegram', whatsapp: 'WhatsApp', web: 'Web' } as const;

export function describeTicket(ticket: Ticket, engine: Engine, lang: Lang): string {
  const t = (key: string, options?: Record<string, unknown>) => engine.t(lang, key, options);
  const heading = t('caseworker.ticket', {
    id: ticket.id,
    channel: CHANNEL_NAMES[ticket.channel],
    lang: ticket.lang,
    country: ticket.country ? t(`country.${ticket.country}`) : '—',
  });
  return `${heading} · ${t(`caseworker.status.${ticket.status}`, { caseworker: ticket.caseworker ?? '' })}`;
}
