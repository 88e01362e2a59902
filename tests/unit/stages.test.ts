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
    expect(engine.language.detect(text).lang).toBe(lang);
  });
  it('lets the stored choice decide when the text says nothing', () => {
    expect(engine.language.detect('111', 'ky')).toMatchObject({ lang: 'ky', fromText: false });
    expect(engine.language.detect('ok', 'fr').lang).toBe('fr');
  });
  it('does not let the stored choice override clear text', () => {
    expect(engine.language.detect('как записать ребенка в школу', 'fr').lang).toBe('ru');
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
    expect(engine.safety.isEmergency(text)).toBe(true);
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
      expect(engine.safety.isEmergency(text)).toBe(false);
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
    expect(engine.intents.match(text)?.intent).toBe(intent);
  });
  it('reads the language asked for', () => {
    expect(engine.intents.match('на кыргызском пожалуйста')).toMatchObject({ intent: 'change-language', value: 'ky' });
    expect(engine.intents.match('en français svp')).toMatchObject({ intent: 'change-language', value: 'fr' });
  });
  it('does not take a question for small talk', () => {
    expect(engine.intents.match('привет, как записать ребенка в школу в алматы без документов')).toBeUndefined();
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
    expect(engine.countries.detect(text)).toBe(country);
  });
  it('names no country when none is said', () => {
    expect(engine.countries.detect('как записать ребенка в школу')).toBeUndefined();
    expect(engine.countries.detect('ошибка в документе')).toBeUndefined();
  });
});
