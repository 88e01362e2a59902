import { describe, expect, it } from 'vitest';
import { realEngine } from '../helpers/kb.js';
import type { Session } from '../../src/engine/types.js';

const engine = realEngine();
const kb = engine.kb;

describe('engine.turn', () => {
  it('answers in Kyrgyz about school, with the source line and the reviewed date', () => {
    const { reply } = engine.turn({ text: 'balamdy mektepke kantip berem' });
    expect(reply).toMatchObject({ kind: 'answer', lang: 'ky', askFeedback: true });
    expect(reply.topics[0]).toMatch(/^school-/);
    const entry = kb.entries.get(reply.entry!)!;
    expect(reply.text).toContain(entry.answer.ky.trim());
    expect(reply.text).toContain(entry.reviewed);
    expect(reply.text).toContain(kb.sources.get(entry.sources[0]!.doc)!.symbol ?? '');
  });

  it('puts the emergency answer first, naming 111, in the language of the message', () => {
    for (const [text, lang] of [['мой муж бьет ребенка', 'ru'], ['kuyoom balamdy urat', 'ky'], ['mon mari frappe mon fils', 'fr']] as const) {
      const { reply } = engine.turn({ text }, { lang: 'fr' });
      expect(reply.kind).toBe('emergency');
      expect(reply.lang).toBe(lang);
      expect(reply.text.startsWith(kb.replies.emergency.text[lang].trim())).toBe(true);
      expect(reply.text).toContain('111');
    }
  });

  it('reads the whole of a very long message for danger before refusing its length', () => {
    const long = `${'документы '.repeat(300)} муж бьет детей`;
    expect(engine.turn({ text: long }).reply.kind).toBe('emergency');
    const harmless = engine.turn({ text: 'документы '.repeat(300) }).reply;
    expect(harmless.kind).toBe('intent');
    expect(harmless.text).toBe(engine.t(harmless.lang, 'error.too_long', { count: 'документы '.repeat(300).length }));
  });

  it('uses the stored country to pick the variant, and says which country when it had to guess', () => {
    const known = engine.turn({ text: 'как зарегистрировать рождение ребенка' }, { country: 'KG' }).reply;
    expect(known.entry).toBe('birth-registration-kg');
    expect(known.text).not.toContain(engine.t('ru', 'answer.other_countries'));
    const guessed = engine.turn({ text: 'как зарегистрировать рождение ребенка' }).reply;
    expect(guessed.kind).toBe('answer');
    expect(guessed.text).toContain(engine.t('ru', 'answer.other_countries'));
    const variants = [...kb.entries.values()].filter((e) => e.group === 'birth-registration').map((e) => e.id);
    expect(guessed.options.map((o) => o.entry)).toEqual(expect.arrayContaining(variants.filter((id) => id !== guessed.entry)));
  });

  it('lets a country named in the message win over the stored one', () => {
    const { reply } = engine.turn({ text: 'ребенок родился в Москве, как его зарегистрировать' }, { country: 'KG' });
    expect(reply.entry).toBe('birth-registration-abroad');
  });

  it('follows a numbered option and a country button', () => {
    let session: Session = {};
    const first = engine.turn({ text: 'как зарегистрировать рождение ребенка' }, session);
    session = first.session;
    expect(session.options).toEqual(first.reply.options.map((o) => o.action));
    const picked = engine.turn({ text: '1' }, session);
    expect(picked.reply.entry).toBe(first.reply.options[0]!.entry);
    const country = engine.turn({ action: 'country:KZ' }, picked.session);
    expect(country.session.country).toBe('KZ');
    expect(country.reply.entry).toBe('birth-registration-kz');
  });

  it('switches language on request and keeps it', () => {
    const switched = engine.turn({ text: 'на кыргызском пожалуйста' }, { lang: 'ru' });
    expect(switched.reply).toMatchObject({ kind: 'intent', intent: 'change-language', lang: 'ky' });
    expect(switched.session.lang).toBe('ky');
    expect(engine.turn({ text: '111' }, switched.session).reply.lang).toBe('ky');
  });

  it('falls back honestly with the help lines and a way to a person', () => {
    const { reply } = engine.turn({ text: 'какая погода завтра в городе будет' });
    expect(reply.kind).toBe('fallback');
    expect(reply.text).toContain(kb.replies['help-lines'].text.ru.trim());
    expect(reply.options.map((o) => o.action)).toContain('intent:human');
  });

  it('records feedback buttons and offers a person after a 👎', () => {
    const down = engine.turn({ action: 'feedback:down' }, { lang: 'fr' }).reply;
    expect(down).toMatchObject({ kind: 'intent', intent: 'feedback', lang: 'fr' });
    expect(down.options.map((o) => o.action)).toEqual(['intent:human']);
  });

  it('answers an empty message with a prompt, not an error', () => {
    expect(engine.turn({ text: '   ' }, { lang: 'ky' }).reply.text).toBe(engine.t('ky', 'error.empty'));
  });

  it('keeps clarify options short enough for buttons', () => {
    for (const entry of kb.entries.values()) for (const lang of ['fr', 'ru', 'ky'] as const) expect(entry.short[lang].length).toBeLessThanOrEqual(20);
  });
});

describe('engine refinements over the whole catalogue', () => {
  it('answers a law question about violence from the entry, but a personal one with the emergency reply', () => {
    const law = engine.turn({ text: 'что грозит по закону, если отчим бьет ребенка в Казахстане' }).reply;
    expect(engine.parts.safety.level('что грозит по закону, если отчим бьет ребенка в Казахстане')).toBe('informational');
    expect(law.kind).toBe('answer');
    expect(law.text).toContain('111');
    for (const text of ['мой отчим бьет меня, что грозит ему по закону', 'mon mari me frappe, que dit la loi', 'күйөөм мени урат, мыйзам боюнча эмне болот']) {
      expect(engine.parts.safety.level(text), text).toBe('urgent');
      expect(engine.turn({ text }).reply.kind, text).toBe('emergency');
    }
  });

  it('gives the honest fallback for everyday subjects the documents never cover', () => {
    for (const text of ['какой курс доллара сегодня', 'comment acheter une carte sim au kazakhstan', 'эртең аба ырайы кандай']) {
      expect(engine.turn({ text }).reply.kind, text).toBe('fallback');
    }
  });

  it('lets a clear request to change language win over a loose knowledge match', () => {
    const { reply, session } = engine.turn({ text: "Vous pouvez répondre en russe s'il vous plaît ?" });
    expect(reply).toMatchObject({ kind: 'intent', intent: 'change-language' });
    expect(session.lang).toBe('ru');
  });

  it('keeps the variant the search clearly preferred when it applies to the country, and offers the country’s own', () => {
    const { reply } = engine.turn({ text: 'congé maternité pour une kirghize qui travaille au Kazakhstan, on a les mêmes droits ?' });
    expect(reply.entry).toBe('health-eaeu');
    expect(reply.options.map((o) => o.entry)).toContain('health-care-kz');
  });
});
