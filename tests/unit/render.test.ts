import { describe, expect, it } from 'vitest';
import { realEngine } from '../helpers/kb.js';
import { renderTelegram, escapeHtml } from '../../src/channels/telegram/render.js';
import { renderWhatsApp, WA } from '../../src/channels/whatsapp/render.js';
import { signBody, verifySignature } from '../../src/channels/whatsapp/signature.js';
import type { Reply } from '../../src/engine/types.js';

const engine = realEngine();
const t = engine.t;
const reply = (over: Partial<Reply>): Reply => ({ kind: 'answer', topics: [], lang: 'ru', confidence: 1, text: 'x', options: [], askFeedback: false, ...over });

describe('Telegram rendering', () => {
  it('escapes markup and keeps bold title and italic source', () => {
    const r = reply({ text: 'T <b>\n\nbody & <script>\n\nsrc', title: 'T <b>', source: 'src' });
    const { chunks } = renderTelegram(r, t);
    expect(chunks).toEqual(['<b>T &lt;b&gt;</b>\n\nbody &amp; &lt;script&gt;\n\n<i>src</i>']);
    expect(escapeHtml('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
  });

  it('splits long texts under the limit without breaking an escape', () => {
    const long = `${'слово & '.repeat(1200)}`.trim();
    const { chunks } = renderTelegram(reply({ text: `${long}\n\n${long}` }), t, 4096);
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(4096);
      expect(c).not.toMatch(/&(?!amp;|lt;|gt;)/);
    }
    const plain = chunks.join(' ').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
    expect(plain).toBe(`${long} ${long}`.replace(/\s+/g, ' '));
  });

  it('puts options and feedback as inline buttons', () => {
    const r = reply({ options: [{ label: 'A', action: 'entry:a' }], askFeedback: true });
    const rows = renderTelegram(r, t).keyboard!.inline_keyboard;
    expect(rows.map((row) => row.map((b) => (b as { callback_data: string }).callback_data))).toEqual([['entry:a'], ['feedback:up', 'feedback:down']]);
  });
});

describe('WhatsApp rendering', () => {
  it('sends plain text without choices, split under 4096 characters', () => {
    const text = `${'а'.repeat(3000)}\n\n${'б'.repeat(3000)}`;
    const messages = renderWhatsApp(reply({ text }), t);
    expect(messages.map((m) => m.type)).toEqual(['text', 'text']);
  });

  it('uses reply buttons for up to three short labels and a list otherwise', () => {
    const two = renderWhatsApp(reply({ text: 'q', options: [{ label: 'Да', action: 'a' }, { label: 'Нет', action: 'b' }] }), t);
    expect(two[0]).toMatchObject({ type: 'interactive', interactive: { type: 'button' } });
    const many = renderWhatsApp(reply({ text: 'q', options: Array.from({ length: 12 }, (_, i) => ({ label: `Очень длинное название темы ${i}`, action: `e${i}` })) }), t);
    const list = many[0] as Extract<(typeof many)[0], { type: 'interactive' }>;
    expect(list.interactive.type).toBe('list');
    if (list.interactive.type !== 'list') return;
    expect(list.interactive.action.sections[0]!.rows).toHaveLength(WA.rows);
    for (const row of list.interactive.action.sections[0]!.rows) expect([...row.title].length).toBeLessThanOrEqual(WA.rowTitle);
  });

  it('sends a long text first, then the choices with a short body', () => {
    const messages = renderWhatsApp(reply({ text: 'ж'.repeat(1500), askFeedback: true }), t);
    expect(messages[0]!.type).toBe('text');
    expect(messages[1]).toMatchObject({ type: 'interactive', interactive: { body: { text: t('ru', 'whatsapp.choose') } } });
  });

  it('fits every real option label and list button in every language', () => {
    for (const lang of ['fr', 'ru', 'ky'] as const) {
      expect([...t(lang, 'whatsapp.list_button')].length).toBeLessThanOrEqual(WA.listButton);
      const labels = [t(lang, 'action.human'), t(lang, 'action.menu'), t(lang, 'feedback.up'), t(lang, 'feedback.down'), ...[...engine.kb.entries.values()].map((e) => e.short[lang])];
      for (const label of labels) expect([...label].length, label).toBeLessThanOrEqual(WA.rowTitle);
    }
  });
});

describe('WhatsApp signatures', () => {
  it('accepts the right HMAC and refuses anything else', () => {
    const body = Buffer.from('{"a":1}');
    expect(verifySignature(body, signBody(body, 'secret'), 'secret')).toBe(true);
    expect(verifySignature(body, signBody(body, 'other'), 'secret')).toBe(false);
    expect(verifySignature(Buffer.from('{"a":2}'), signBody(body, 'secret'), 'secret')).toBe(false);
    expect(verifySignature(body, undefined, 'secret')).toBe(false);
    expect(verifySignature(body, 'sha256=zz', 'secret')).toBe(false);
  });
});
