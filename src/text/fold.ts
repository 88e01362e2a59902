/**
 * Text folding shared by the knowledge base checks and the engine: one definition of
 * "the same words", so a duplicate the validator misses is also a duplicate the search sees.
 */

/** Kyrgyz letters people often type without their marks, and Russian ё. */
const LETTER_FOLDS: Record<string, string> = {
  ң: 'н',
  ө: 'о',
  ү: 'у',
  ё: 'е',
  // Look-alike letters typed from Kazakh or Latin keyboards.
  һ: 'х',
  ұ: 'у',
  қ: 'к',
  ғ: 'г',
  ә: 'а',
  і: 'и',
};

/** Unicode-normalises and lower-cases; keeps letters' marks (they carry meaning in Kyrgyz). */
export function lower(text: string): string {
  return text.normalize('NFC').toLocaleLowerCase('ru');
}

/** Removes French accents (é → e) and other combining marks from Latin letters only. */
export function stripLatinAccents(text: string): string {
  return text
    .normalize('NFD')
    .replace(/([a-z])[\u0300-\u036f]+/gi, '$1')
    .normalize('NFC')
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae');
}

/** Folds Cyrillic to the letters people can type on any keyboard, for matching only. */
export function foldCyrillic(text: string): string {
  let out = '';
  for (const ch of text) {
    if (ch === 'ь' || ch === 'ъ') continue;
    out += LETTER_FOLDS[ch] ?? ch;
  }
  return out;
}

/** Words: runs of letters and digits (apostrophes inside French words split them); each emoji is a word. */
export function words(text: string): string[] {
  return text.match(/[\p{L}\p{M}\p{N}]+|\p{Extended_Pictographic}/gu) ?? [];
}

/** The matching form of a text: lower case, no accents, folded Cyrillic, words joined by spaces. */
export function matchForm(text: string): string {
  return words(foldCyrillic(stripLatinAccents(lower(text)))).join(' ');
}

const CYRILLIC = /\p{Script=Cyrillic}/u;
const LATIN = /\p{Script=Latin}/u;

export function scriptOf(text: string): 'cyrillic' | 'latin' | 'none' {
  let cyr = 0;
  let lat = 0;
  for (const ch of text) {
    if (CYRILLIC.test(ch)) cyr++;
    else if (LATIN.test(ch)) lat++;
  }
  if (cyr === 0 && lat === 0) return 'none';
  return cyr >= lat ? 'cyrillic' : 'latin';
}
