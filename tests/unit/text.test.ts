import { describe, expect, it } from 'vitest';
import { matchForm, scriptOf, words } from '../../src/text/fold.js';
import { latinToCyrillic, fixLookalikes, cyrillicToLatin } from '../../src/text/translit.js';
import { stemKyrgyz } from '../../src/text/kyrgyz-stem.js';

describe('folding', () => {
  it('folds Kyrgyz letters, ё, soft signs, case and French accents', () => {
    expect(matchForm('Төрөлгөндү КАТТОО')).toBe('торолгонду каттоо');
    expect(matchForm('Ребёнок бьёт')).toBe('ребенок бет');
    expect(matchForm('École, évènement !')).toBe('ecole evenement');
    expect(matchForm('Үйдө баңгиз')).toBe(matchForm('уйдо бангиз'));
  });
  it('keeps emoji as words and tells scripts apart', () => {
    expect(words('ok 👍')).toEqual(['ok', '👍']);
    expect(scriptOf('balamdy mektepke')).toBe('latin');
    expect(scriptOf('баламды mektep')).toBe('cyrillic');
    expect(scriptOf('111 !')).toBe('none');
  });
});

describe('Latin letters to Cyrillic', () => {
  const ru = (s: string) => s.split(' ').map((w) => latinToCyrillic(w, 'ru')).join(' ');
  const ky = (s: string) => s.split(' ').map((w) => latinToCyrillic(w, 'ky')).join(' ');
  it('reads Russian as people type it', () => {
    // Soft signs are dropped on both sides of matching, so typed "zaregistrirovat" meets "зарегистрировать".
    expect(ru('kak zaregistrirovat rebenka')).toBe(matchForm('как зарегистрировать ребенка'));
    expect(ru('moy muzh')).toBe('мой муж');
    expect(ru('4to delat')).toBe('что делат');
    expect(ru('shkola')).toBe('школа');
    expect(ru('eto pasport')).toBe('это паспорт');
  });
  it('reads Kyrgyz as people type it (j = ж, ng = ң folded)', () => {
    expect(ky('balamdy mektepke kantip berem')).toBe('баламды мектепке кантип берем');
    expect(ky('jardam kerek')).toBe('жардам керек');
    expect(ky('mening uyum')).toBe('менин уйум');
    expect(ky('emne kylam')).toBe('эмне кылам');
  });
  it('keeps numbers as numbers', () => {
    expect(ru('14')).toBe('14');
  });
  it('repairs Latin look-alikes inside Cyrillic words only', () => {
    expect(fixLookalikes('шкoла')).toBe('школа');
    expect(fixLookalikes('school')).toBe('school');
  });
  it('writes Cyrillic the way translit users do', () => {
    expect(cyrillicToLatin('жардам', 'ky')).toBe('jardam');
    expect(cyrillicToLatin('жена', 'ru')).toBe('zhena');
  });
});

describe('Kyrgyz stemming', () => {
  it('brings inflected forms of one word together', () => {
    const stems = ['бала', 'балам', 'баламды', 'балдар', 'балага'].map(stemKyrgyz);
    expect(new Set(stems).size).toBe(1);
    expect(stemKyrgyz('мектепке')).toBe(stemKyrgyz('мектепте'));
    expect(stemKyrgyz('мектепке')).toBe('мектеп');
  });
  it('never leaves fewer than three letters', () => {
    for (const w of ['ала', 'ата', 'уйго', 'менде']) expect(stemKyrgyz(w).length).toBeGreaterThanOrEqual(3);
  });
});
