import { describe, expect, it } from 'vitest';
import { realEngine } from '../helpers/kb.js';

const engine = realEngine();

describe('language detection', () => {
  it.each([
    ['как зарегистрировать ребенка в казахстане', 'ru'],
    ['баламды мектепке кантип берем', 'ky'],
    ['балама документ жок, мектепке алышабы', 'ky'],
    ['balamdy mektepke kantip berem', 'ky'],
    ['kak zaregistrirovat rebenka', 'ru'],
    ['mon fils peut aller a l ecole sans papiers', 'fr'],
    ['Төрөлгөндү каттоо', 'ky'],
  ])('%s → %s', (text, lang) => {
    expect(engine.parts.language.detect(text).lang).toBe(lang);
  });
  it('lets the stored choice decide when the text says nothing', () => {
    expect(engine.parts.language.detect('111', 'ky')).toMatchObject({ lang: 'ky', fromText: false });
    expect(engine.parts.language.detect('ok', 'fr').lang).toBe('fr');
  });
  it('does not let the stored choice override clear text', () => {
    expect(engine.parts.language.detect('как записать ребенка в школу', 'fr').lang).toBe('ru');
  });
});

describe('emergency check', () => {
  it.each([
    'мой муж бьет ребенка',
    "moy muzh b'yet rebenka",
    'күйөөм балдарды урат',
    'kuyoom meni urat',
    'il frappe mes enfants',
    'я не хочу жить',
    'паспорт забрали и не отпускают',
    'кызымды ала качып кетишти',
  ])('catches "%s"', (text) => {
    expect(engine.parts.safety.isEmergency(text)).toBe(true);
  });
  it.each([
    'как записать ребенка в школу',
    'balamdy mektepke kantip berem',
    'permis de travail au Kirghizistan',
    'дары ичип жатам',
    'не вернули деньги за билет',
    "mon mari n'est pas rentré de Russie depuis 2 ans",
  ])(
    'leaves "%s" alone',
    (text) => {
      expect(engine.parts.safety.isEmergency(text)).toBe(false);
    },
  );
});

describe('conversation intents', () => {
  it.each([
    ['привет', 'greeting'],
    ['salam', 'greeting'],
    ['рахмат', 'thanks'],
    ['merci beaucoup', 'thanks'],
    ['хочу поговорить с человеком', 'human'],
    ['кыргызча', 'change-language'],
  ])('%s → %s', (text, intent) => {
    expect(engine.parts.intents.match(text)?.intent).toBe(intent);
  });
  it('reads the language asked for', () => {
    expect(engine.parts.intents.match('на кыргызском пожалуйста')).toMatchObject({ intent: 'change-language', value: 'ky' });
    expect(engine.parts.intents.match('en français svp')).toMatchObject({ intent: 'change-language', value: 'fr' });
  });
  it('does not take a question for small talk', () => {
    expect(engine.parts.intents.match('привет, как записать ребенка в школу в алматы без документов')).toBeUndefined();
  });
});

describe('country in the message', () => {
  it.each([
    ['работаю в Москве', 'RU'],
    ['rebenok rodilsya v moskve', 'RU'],
    ['живем в Алматы', 'KZ'],
    ['Бишкекте турабыз', 'KG'],
    ['я из Кыргызстана, живу в России', 'RU'],
    ['au consulat kirghiz', 'OTHER'],
  ])('%s → %s', (text, country) => {
    expect(engine.parts.countries.detect(text)).toBe(country);
  });
  it('names no country when none is said', () => {
    expect(engine.parts.countries.detect('как записать ребенка в школу')).toBeUndefined();
    expect(engine.parts.countries.detect('ошибка в документе')).toBeUndefined();
  });
});
