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
/** Words remembered per language (token and stem), so the same word is folded and stemmed once. */
const MEMO_LIMIT = 50_000;
/** Texts whose words are remembered: a message and the few strings read beside it. */
const RECENT_TEXTS = 8;

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
  // Every stage reads the message, in each language, and indexing reads the same words again and
  // again: each word's token and stem are worked out once (pure functions of the word).
  const tokenMemo: PerLang<Map<string, string>> = { fr: new Map(), ru: new Map(), ky: new Map() };
  const stemMemo: PerLang<Map<string, string>> = { fr: new Map(), ru: new Map(), ky: new Map() };
  // Every stage asks for the same message's tokens in each language in turn: its words are split
  // once (the last few texts are remembered), then only looked up per language.
  const recent = new Map<string, string[]>();
  const wordsOf = (text: string): string[] => {
    let found = recent.get(text);
    if (found === undefined) {
      if (recent.size >= RECENT_TEXTS) recent.delete(recent.keys().next().value!);
      recent.set(text, (found = words(lower(text))));
    }
    return found;
  };
  const tokens = (text: string, lang: Lang): string[] => {
    const memo = tokenMemo[lang];
    return wordsOf(text).map((word) => {
      let token = memo.get(word);
      if (token === undefined) {
        if (memo.size >= MEMO_LIMIT) memo.clear();
        memo.set(word, (token = tokenOf(word, lang)));
      }
      return token;
    });
  };
  const stem = (token: string, lang: Lang): string => {
    const memo = stemMemo[lang];
    let stemmed = memo.get(token);
    if (stemmed === undefined) {
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(token, (stemmed = stemOf(token, lang)));
    }
    return stemmed;
  };
  return {
    tokens,
    stem,
    isStopword: (token, lang) => stops[lang].has(token),
    terms(text, lang) {
      return tokens(text, lang)
        .filter((t) => !stops[lang].has(t))
        .map((t) => stem(t, lang));
    },
  };
}

function tokensOf(text: string, lang: Lang): string[] {
  return words(lower(text)).map((word) => tokenOf(word, lang));
}

function tokenOf(word: string, lang: Lang): string {
  const fixed = stripLatinAccents(fixLookalikes(word));
  if (lang !== 'fr' && LATIN_WORD.test(fixed)) return latinToCyrillic(fixed, lang);
  return foldCyrillic(fixed);
}

function stemOf(token: string, lang: Lang): string {
  if (/^\d+$/.test(token) || token.length < 3) return token;
  if (lang === 'fr') return stemFrench(token);
  if (lang === 'ru') return stemRussian(token);
  return stemKyrgyz(token);
}

