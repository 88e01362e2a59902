/**
 * A Reply as WhatsApp Cloud API messages: plain text (split under 4096 characters), or an
 * interactive message when there are choices: reply buttons for up to three short labels, a list
 * (up to ten rows) otherwise. Interactive bodies are capped at 1024 characters, so a longer
 * text goes first as its own message.
 */
import type { Reply } from '../../engine/types.js';
import type { Translate } from '../../engine/i18n.js';

export const WA = { text: 4096, body: 1024, buttons: 3, buttonTitle: 20, rows: 10, rowTitle: 24, listButton: 20, id: 256 } as const;

export type GraphMessage =
  | { type: 'text'; text: { body: string; preview_url: false } }
  | {
      type: 'interactive';
      interactive:
        | { type: 'button'; body: { text: string }; action: { buttons: { type: 'reply'; reply: { id: string; title: string } }[] } }
        | { type: 'list'; body: { text: string }; action: { button: string; sections: { rows: { id: string; title: string }[] }[] } };
    };

export function fit(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

export function renderWhatsApp(reply: Reply, t: Translate): GraphMessage[] {
  const choices = reply.options.map((o) => ({ id: o.action, title: o.label }));
  if (reply.askFeedback) choices.push({ id: 'feedback:up', title: t(reply.lang, 'feedback.up') }, { id: 'feedback:down', title: t(reply.lang, 'feedback.down') });
  const usable = choices.filter((c) => c.id.length <= WA.id).slice(0, WA.rows);
  if (usable.length === 0) return textMessages(reply.text);

  const fitsBody = [...reply.text].length <= WA.body;
  const before = fitsBody ? [] : textMessages(reply.text);
  const body = { text: fitsBody ? reply.text : t(reply.lang, 'whatsapp.choose') };
  const asButtons = usable.length <= WA.buttons && usable.every((c) => [...c.title].length <= WA.buttonTitle);
  const interactive: GraphMessage = asButtons
    ? { type: 'interactive', interactive: { type: 'button', body, action: { buttons: usable.map((c) => ({ type: 'reply', reply: c })) } } }
    : {
        type: 'interactive',
        interactive: {
          type: 'list',
          body,
          action: {
            button: fit(t(reply.lang, 'whatsapp.list_button'), WA.listButton),
            sections: [{ rows: usable.map((c) => ({ id: c.id, title: fit(c.title, WA.rowTitle) })) }],
          },
        },
      };
  return [...before, interactive];
}

function textMessages(text: string): GraphMessage[] {
  const parts: string[] = [];
  let current = '';
  for (const paragraph of text.split('\n\n')) {
    const joined = current === '' ? paragraph : `${current}\n\n${paragraph}`;
    if ([...joined].length <= WA.text) current = joined;
    else {
      if (current !== '') parts.push(current);
      let rest = paragraph;
      while ([...rest].length > WA.text) {
        parts.push([...rest].slice(0, WA.text).join(''));
        rest = [...rest].slice(WA.text).join('');
      }
      current = rest;
    }
  }
  if (current !== '') parts.push(current);
  return parts.map((body) => ({ type: 'text', text: { body, preview_url: false } }));
}
