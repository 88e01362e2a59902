/**
 * A Reply as Telegram messages: HTML with everything escaped, the title in bold and the source
 * line in italics, split on paragraph boundaries under Telegram's 4096-character limit, with
 * options and 👍/👎 as inline buttons under the last part.
 */
import { InlineKeyboard } from 'grammy';
import type { Reply } from '../../engine/types.js';
import type { Translate } from '../../engine/i18n.js';

export const TELEGRAM_TEXT_LIMIT = 4096;
/** Telegram refuses callback data longer than 64 bytes. */
export const CALLBACK_DATA_LIMIT = 64;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface TelegramMessage {
  readonly chunks: readonly string[];
  readonly keyboard?: InlineKeyboard;
}

export function renderTelegram(reply: Reply, t: Translate, limit = TELEGRAM_TEXT_LIMIT): TelegramMessage {
  const paragraphs = reply.text.split('\n\n').map((plain, i, all) => {
    if (i === 0 && plain === reply.title) return { plain, open: '<b>', close: '</b>' };
    if (i === all.length - 1 && plain === reply.source) return { plain, open: '<i>', close: '</i>' };
    return { plain, open: '', close: '' };
  });
  const chunks: string[] = [];
  let current = '';
  const push = (html: string) => {
    const joined = current === '' ? html : `${current}\n\n${html}`;
    if (joined.length <= limit) current = joined;
    else {
      if (current !== '') chunks.push(current);
      current = html;
    }
  };
  for (const p of paragraphs) {
    for (const piece of splitPlain(p.plain, limit - p.open.length - p.close.length)) push(`${p.open}${escapeHtml(piece)}${p.close}`);
  }
  if (current !== '') chunks.push(current);

  const rows = reply.options
    .filter((o) => Buffer.byteLength(o.action) <= CALLBACK_DATA_LIMIT)
    .map((o) => [InlineKeyboard.text(o.label, o.action)]);
  if (reply.askFeedback) rows.push([InlineKeyboard.text(t(reply.lang, 'feedback.up'), 'feedback:up'), InlineKeyboard.text(t(reply.lang, 'feedback.down'), 'feedback:down')]);
  return rows.length > 0 ? { chunks, keyboard: InlineKeyboard.from(rows) } : { chunks };
}

/** Cuts plain text so each piece stays under `limit` once escaped, preferring line and word breaks. */
function splitPlain(text: string, limit: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (escapeHtml(rest).length > limit) {
    let cut = limit;
    while (escapeHtml(rest.slice(0, cut)).length > limit) cut--;
    const head = rest.slice(0, cut);
    const breakAt = Math.max(head.lastIndexOf('\n'), head.lastIndexOf(' '));
    if (breakAt > limit / 2) cut = breakAt + 1;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  pieces.push(rest);
  return pieces;
}
