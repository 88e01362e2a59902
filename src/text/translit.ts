/**
 * Russian and Kyrgyz typed in Latin letters ("rebenok rodilsya", "balamdy mektepke") mapped to
 * Cyrillic, so they meet the Cyrillic knowledge base. The output is in the folded matching form
 * (Kyrgyz ң ө ү become н о у), which is all matching needs.
 */
export type TranslitLang = 'ru' | 'ky';

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y']);

/** Multi-letter sequences first; the value per language. */
const MULTI: ReadonlyArray<readonly [string, string, string]> = [
  // [latin, russian, kyrgyz]
  ['shch', 'щ', 'щ'],
  ['sch', 'щ', 'щ'],
  ['zh', 'ж', 'ж'],
  ['kh', 'х', 'х'],
  ['ch', 'ч', 'ч'],
  ['sh', 'ш', 'ш'],
  ['ts', 'ц', 'тс'],
  ['gh', 'г', 'г'],
  ['ya', 'я', 'я'],
  ['yu', 'ю', 'ю'],
  ['yo', 'е', 'е'],
  ['ye', 'е', 'е'],
  ['ja', 'я', 'жа'],
  ['ju', 'ю', 'жу'],
  ['jo', 'е', 'жо'],
  ['ia', 'ия', 'ия'],
];

const SINGLE: Record<string, readonly [string, string]> = {
  a: ['а', 'а'],
  b: ['б', 'б'],
  c: ['с', 'с'],
  d: ['д', 'д'],
  e: ['е', 'е'],
  f: ['ф', 'ф'],
  g: ['г', 'г'],
  h: ['х', 'х'],
  i: ['и', 'и'],
  j: ['й', 'ж'],
  k: ['к', 'к'],
  l: ['л', 'л'],
  m: ['м', 'м'],
  n: ['н', 'н'],
  o: ['о', 'о'],
  p: ['п', 'п'],
  q: ['к', 'к'],
  r: ['р', 'р'],
  s: ['с', 'с'],
  t: ['т', 'т'],
  u: ['у', 'у'],
  v: ['в', 'в'],
  w: ['в', 'в'],
  x: ['х', 'х'],
  z: ['з', 'з'],
  '4': ['ч', 'ч'],
};

/** Transliterates one lower-case Latin word (accents already removed). */
export function latinToCyrillic(word: string, lang: TranslitLang): string {
  const col = lang === 'ru' ? 1 : 2;
  let out = '';
  let i = 0;
  while (i < word.length) {
    const prev = i > 0 ? word[i - 1]! : '';
    // Word-initial e is э in Kyrgyz (эмне, эки) and in Russian "это…".
    if (i === 0 && word[0] === 'e' && (lang === 'ky' || word.startsWith('et'))) {
      out += 'э';
      i++;
      continue;
    }
    // Kyrgyz "ng" is ң (folded to н) unless a vowel follows.
    if (lang === 'ky' && word.startsWith('ng', i) && !VOWELS.has(word[i + 2] ?? '')) {
      out += 'н';
      i += 2;
      continue;
    }
    // Kyrgyz "y" between vowels is й (uyum = үйүм), not the start of ю/я.
    if (lang === 'ky' && word[i] === 'y' && VOWELS.has(prev) && VOWELS.has(word[i + 1] ?? '')) {
      out += 'й';
      i++;
      continue;
    }
    const multi = MULTI.find(([latin]) => word.startsWith(latin, i));
    if (multi) {
      out += multi[col];
      i += multi[0].length;
      continue;
    }
    const ch = word[i]!;
    if (ch === 'y') {
      // y after a vowel is й (moy, kakoy, uy); elsewhere ы (vy, kyz, balamdy).
      out += VOWELS.has(prev) && prev !== 'y' ? 'й' : 'ы';
    } else if (ch === '4' && !/[a-z]/.test(prev + (word[i + 1] ?? ''))) {
      out += ch; // a digit, not the chat spelling of ч ("4to")
    } else if (ch === "'") {
      // soft sign: dropped in the matching form
    } else {
      const mapped = SINGLE[ch];
      out += mapped ? mapped[col - 1] : ch;
    }
    i++;
  }
  return out;
}

/** Latin look-alike letters typed inside Cyrillic words ("шкoла" with a Latin o). */
const LOOKALIKES: Record<string, string> = {
  a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', x: 'х', y: 'у', k: 'к', m: 'м', t: 'т', b: 'в', h: 'н',
};

export function fixLookalikes(word: string): string {
  if (!/\p{Script=Cyrillic}/u.test(word) || !/[a-z]/.test(word)) return word;
  return word.replace(/[a-z]/g, (ch) => LOOKALIKES[ch] ?? ch);
}

/** Cyrillic → the Latin spelling people type; used to teach the language detector what translit looks like. */
const TO_LATIN: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'yo', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k',
  л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts',
  ч: 'ch', ш: 'sh', щ: 'sch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya', ң: 'ng', ө: 'o', ү: 'u',
};

export function cyrillicToLatin(text: string, lang: TranslitLang): string {
  let out = '';
  for (const ch of text) {
    if (lang === 'ky' && ch === 'ж') out += 'j';
    else out += TO_LATIN[ch] ?? ch;
  }
  return out;
}
