import { describe, expect, it } from 'vitest';
import { realEngine } from '../helpers/kb.js';
import { DETAIL_KINDS } from '../../src/kb/schema.js';

const engine = realEngine();

describe('practical details the documents do not give', () => {
  it('recognises the detail asked for, in every language and in Latin letters', () => {
    const cases = [
      ['skolko stoit registraciya rebenka', 'cost'],
      ['combien coute un avocat', 'cost'],
      ['консулдукта каттоо канча турат', 'cost'],
      ['адрес консульства в Екатеринбурге', 'address'],
      ['konsuldyktun daregi kaida', 'address'],
      ['a quelle heure ouvre le consulat', 'hours'],
      ['во сколько открывается ЦОН', 'hours'],
      ['quel numero pour appeler le consulat', 'phone'],
      ['konsuldyktun telefon nomeri kandai', 'phone'],
      ['за сколько дней надо зарегистрировать ребенка', 'deadline'],
    ] as const;
    for (const [text, detail] of cases) expect(engine.parts.details.detect(text), text).toContain(detail);
  });

  it('does not hear a detail in ordinary questions', () => {
    for (const text of [
      'во сколько лет ребенок может работать',
      'потерял паспорт, номер помню',
      'паспорттун мөөнөтү бүттү эмне кылам',
      'мектепке кантип барам документ жок',
      'бесплатный адвокат в Кыргызстане',
      "pas d'adresse, l'ecole refuse mon fils",
      "a qui m'adresser pour inscrire mon fils a l'ecole",
      'дарегибиз жок, баланы мектепке албай жатышат',
      'у нас нет адреса, ребенка не берут в школу',
    ]) {
      expect(engine.parts.details.detect(text), text).toEqual([]);
    }
  });

  it('says honestly that a fee is not in the documents and offers the entry that is', () => {
    const { reply } = engine.turn({ text: 'сколько стоит регистрация рождения ребенка в Бишкеке' });
    expect(reply).toMatchObject({ kind: 'fallback', detail: 'cost', lang: 'ru' });
    expect(reply.options[0]?.entry).toBe('birth-registration-kg');
    expect(reply.text).toContain(engine.t('ru', 'unknown.cost'));
    expect(reply.text).toContain(engine.kb.replies['help-lines'].text.ru.trim());
  });

  it('answers when the entry does give the detail asked for', () => {
    const { reply } = engine.turn({ text: 'во сколько работает линия 111?' });
    expect(engine.parts.details.detect('во сколько работает линия 111?')).toContain('hours');
    expect(reply).toMatchObject({ kind: 'answer', entry: 'hotline-111' });
  });

  it('has a sentence for every detail in every language', () => {
    for (const detail of DETAIL_KINDS) {
      for (const lang of ['fr', 'ru', 'ky'] as const) expect(engine.t(lang, `unknown.${detail}`)).not.toBe(`unknown.${detail}`);
    }
  });
});
