/**
 * Which of French, Russian or Kyrgyz a message is written in, from as little as a few words.
 * Kyrgyz letters (ң ө ү) settle it at once; otherwise character-trigram models learnt from the
 * knowledge base itself decide, one set for Cyrillic text and one for Latin text (where Russian
 * and Kyrgyz are learnt from their transliteration). A stored choice wins when the text is unclear.
 */
import { LANGS, type Lang } from '../types.js';
import { foldCyrillic, lower, scriptOf, stripLatinAccents, words } from '../text/fold.js';
import { cyrillicToLatin, fixLookalikes } from '../text/translit.js';

export interface LanguageGuess {
  readonly lang: Lang;
  /** 0 (no idea) … 1 (certain). */
  readonly confidence: number;
  /** True when the text itself decided; false when the stored choice or the default did. */
  readonly fromText: boolean;
}

export type LanguageCorpus = Record<Lang, readonly string[]>;

/** Average log-probability margin per trigram under which the text is called ambiguous. */
const AMBIGUOUS_MARGIN = 0.35;
const KYRGYZ_LETTERS = /[ңөүҢӨҮ]/;
const DEFAULT_LANG: Lang = 'ru';

class TrigramModel {
  private readonly counts = new Map<string, number>();
  private total = 0;
  /** Words added and not yet counted: a word's trigrams are counted once per distinct word (see seal). */
  private readonly pending = new Map<string, number>();

  add(text: string): void {
    for (const word of words(text)) this.pending.set(word, (this.pending.get(word) ?? 0) + 1);
  }

  /** Counts the trigrams of the words added: the same counts as trigram by trigram, in far fewer steps. */
  seal(): this {
    for (const [word, times] of this.pending) {
      const padded = ` ${word} `;
      for (let i = 0; i + 3 <= padded.length; i++) {
        const gram = padded.slice(i, i + 3);
        this.counts.set(gram, (this.counts.get(gram) ?? 0) + times);
        this.total += times;
      }
    }
    this.pending.clear();
    return this;
  }

  logProb(gram: string, vocabulary: number): number {
    return Math.log(((this.counts.get(gram) ?? 0) + 0.5) / (this.total + 0.5 * vocabulary));
  }

  grams(): Iterable<string> {
    return this.counts.keys();
  }
}

function trigrams(text: string): string[] {
  const out: string[] = [];
  for (const word of words(text)) {
    const padded = ` ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) out.push(padded.slice(i, i + 3));
  }
  return out;
}

function cyrillicForm(text: string): string {
  return foldCyrillic(words(lower(text)).map(fixLookalikes).join(' '));
}

function latinForm(text: string): string {
  return stripLatinAccents(lower(text));
}

export interface LanguageDetector {
  detect(text: string, stored?: Lang): LanguageGuess;
}

export function createLanguageDetector(corpus: LanguageCorpus): LanguageDetector {
  const cyr = { ru: new TrigramModel(), ky: new TrigramModel() };
  const lat = { fr: new TrigramModel(), ru: new TrigramModel(), ky: new TrigramModel() };
  for (const lang of LANGS) {
    for (const text of corpus[lang]) {
      if (lang === 'fr') {
        lat.fr.add(latinForm(text));
        continue;
      }
      if (scriptOf(text) === 'latin') {
        lat[lang].add(latinForm(text));
      } else {
        const folded = cyrillicForm(text);
        cyr[lang].add(folded);
        lat[lang].add(cyrillicToLatin(lower(text), lang));
      }
    }
  }
  for (const model of [...Object.values(cyr), ...Object.values(lat)]) model.seal();
  const vocabulary = (models: Record<string, TrigramModel>) =>
    new Set(Object.values(models).flatMap((m) => [...m.grams()])).size;
  const cyrVocabulary = vocabulary(cyr);
  const latVocabulary = vocabulary(lat);

  const score = (models: Partial<Record<Lang, TrigramModel>>, grams: string[], vocab: number) =>
    (Object.entries(models) as [Lang, TrigramModel][])
      .map(([lang, model]) => ({
        lang,
        score: grams.reduce((sum, g) => sum + model.logProb(g, vocab), 0) / Math.max(grams.length, 1),
      }))
      .sort((a, b) => b.score - a.score);

  return {
    detect(text, stored) {
      const script = scriptOf(text);
      const fallback = (): LanguageGuess => ({ lang: stored ?? DEFAULT_LANG, confidence: 0, fromText: false });
      if (script === 'none') return fallback();
      if (script === 'cyrillic' && KYRGYZ_LETTERS.test(text)) return { lang: 'ky', confidence: 1, fromText: true };
      // One short word ("ok", "спасибо") is shared by too many speakers: keep the stored language.
      if (stored && words(text).filter((w) => /\p{L}{3,}/u.test(w)).length < 2 && !/\p{L}{8,}/u.test(text)) return fallback();
      const grams = script === 'cyrillic' ? trigrams(cyrillicForm(text)) : trigrams(latinForm(text));
      if (grams.length === 0) return fallback();
      const ranked = script === 'cyrillic' ? score(cyr, grams, cyrVocabulary) : score(lat, grams, latVocabulary);
      const [best, second] = ranked as [{ lang: Lang; score: number }, { lang: Lang; score: number }];
      const margin = best.score - second.score;
      // Few trigrams say little: demand a larger margin from a two-word message than from a sentence.
      const needed = AMBIGUOUS_MARGIN * Math.max(1, 12 / grams.length) ** 0.5;
      const confidence = Math.min(1, margin / (2 * needed));
      if (margin < needed && stored && ranked.some((r) => r.lang === stored)) {
        return { lang: stored, confidence, fromText: false };
      }
      return { lang: best.lang, confidence, fromText: margin >= needed };
    },
  };
}
