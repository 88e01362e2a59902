/**
 * Property tests: whatever arrives — any string, any JSON — the engine and every parser answer or
 * refuse clearly, and never throw.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { realEngine } from '../helpers/kb.js';
import { MAX_MESSAGE_CHARS } from '../../src/engine/engine.js';
import { messagesOf, toInbound, waWebhookSchema } from '../../src/channels/whatsapp/webhook.js';
import { renderWhatsApp, WA } from '../../src/channels/whatsapp/render.js';
import { renderTelegram, TELEGRAM_TEXT_LIMIT } from '../../src/channels/telegram/render.js';
import { verifySignature } from '../../src/channels/whatsapp/signature.js';
import { SessionTokens } from '../../src/channels/web/token.js';
import { LANGS } from '../../src/types.js';

const engine = realEngine();
const KINDS = ['answer', 'clarify', 'fallback', 'emergency', 'intent'];

/** Strings people and attackers send: any Unicode, control characters, RTL, emoji, mixed scripts. */
const hostile = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.array(fc.constantFrom('школа', 'mektep', '111', 'بچه', 'שלום', '\u202e', '\u0000', '\u200b', '👶🏽', 'ң', 'é', ' ', '\n', '??', 'بالا'), { maxLength: 60 }).map((w) => w.join(' ')),
);

describe('engine on any input', () => {
  it('always returns a reply of a known kind, with text, in a known language', () => {
    fc.assert(
      fc.property(hostile, fc.constantFrom(undefined, ...LANGS), (text, lang) => {
        const { reply, session } = engine.turn({ text }, lang ? { lang } : {});
        expect(KINDS).toContain(reply.kind);
        expect(reply.text.length).toBeGreaterThan(0);
        expect(LANGS).toContain(reply.lang);
        expect(typeof session).toBe('object');
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a 100 KB message politely (after reading it for danger) and any action string safely', () => {
    const huge = 'а'.repeat(100_000);
    expect(engine.turn({ text: huge }).reply.text).toBe(engine.t('ru', 'error.too_long', { count: huge.length }));
    expect(huge.length).toBeGreaterThan(MAX_MESSAGE_CHARS);
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (action) => {
        expect(KINDS).toContain(engine.turn({ action }).reply.kind);
      }),
      { numRuns: 200 },
    );
  });
});

describe('webhook parsers on any JSON', () => {
  it('WhatsApp: the schema accepts or refuses, and accepted payloads always yield messages safely', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed = waWebhookSchema.safeParse(value);
        if (parsed.success) for (const m of messagesOf(parsed.data)) toInbound(m);
      }),
      { numRuns: 300 },
    );
  });

  it('signatures and web tokens: any header or token is just refused', () => {
    const tokens = new SessionTokens('k'.repeat(32));
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }), (header, body) => {
        expect(verifySignature(Buffer.from(body), header, 'secret')).toBe(false);
        expect(tokens.verify(header)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});

describe('renderers on any text', () => {
  it('keep Telegram and WhatsApp limits whatever the reply text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 9000 }), fc.boolean(), (text, feedback) => {
        const reply = { kind: 'answer' as const, topics: [], lang: 'ru' as const, confidence: 1, text: text || '.', options: [], askFeedback: feedback };
        for (const chunk of renderTelegram(reply, engine.t).chunks) expect(chunk.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
        for (const m of renderWhatsApp(reply, engine.t)) {
          if (m.type === 'text') expect([...m.text.body].length).toBeLessThanOrEqual(WA.text);
          else expect([...m.interactive.body.text].length).toBeLessThanOrEqual(WA.body);
        }
      }),
      { numRuns: 100 },
    );
  });
});
