/**
 * Text → matching tokens and search terms for one language. The same function prepares the
 * knowledge base for indexing and the user's message for searching, so both meet in one form.
 */
import { stemmer as stemFrench } from '@orama/stemmers/french';
import { stemmer as stemRussian } from '@orama/stemmers/russian';
import type { Lang, PerLang } from '../types.js';
import { foldCyrillic, lower, stripLatinAccents, words } from '../text/fold.js';
import { fixLookalikes, latinToCyrillic } from '../text/translit.js';
import { stemKyrgyz } from '../text/kyrgyz-stem.js';

const LATIN_WORD = /^(?=.*[a-z])[a-z0-9']+$/;

export interface Analyzer {
  /** Lower case, folded, Latin-letter Russian/Kyrgyz in Cyrillic; every word kept. */
  tokens(text: string, lang: Lang): string[];
  /** Tokens without stopwords, stemmed: what the search index holds. */
  terms(text: string, lang: Lang): string[];
  stem(token: string, lang: Lang): string;
  isStopword(token: string, lang: Lang): boolean;
}

export function createAnalyzer(stopwords: PerLang<readonly string[]>): Analyzer {
  const stops = {} as PerLang<Set<string>>;
  for (const lang of ['fr', 'ru', 'ky'] as const) {
    stops[lang] = new Set(stopwords[lang].flatMap((w) => tokensOf(w, lang)));
  }
  const stem = (token: string, lang: Lang): string => {
    if (/^\d+$/.test(token) || token.length < 3) return token;
    if (lang === 'fr') return stemFrench(token);
    if (lang === 'ru') return stemRussian(token);
    return stemKyrgyz(token);
  };
  return {
    tokens: tokensOf,
    stem,
    isStopword: (token, lang) => stops[lang].has(token),
    terms(text, lang) {
      return tokensOf(text, lang)
        .filter((t) => !stops[lang].has(t))
        .map((t) => stem(t, lang));
    },
  };
}

function tokensOf(text: string, lang: Lang): string[] {
  return words(lower(text)).map((word) => {
    const fixed = stripLatinAccents(fixLookalikes(word));
    if (lang !== 'fr' && LATIN_WORD.test(fixed)) return latinToCyrillic(fixed, lang);
    return foldCyrillic(fixed);
  });
}

