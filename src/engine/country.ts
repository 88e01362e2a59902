/**
 * Country context: which country a message names, and which variant of an entry fits a user.
 * Families should not have to answer questions before they get help, so with no country known
 * the best-fitting variant is answered and the others are offered.
 */
import type { EntryCountry, UserCountry } from '../types.js';
import type { Entry, Lexicon } from '../kb/schema.js';
import type { Analyzer } from './analyze.js';
import type { EntryHit } from './search.js';
import { compilePattern, patternMatches, type Pattern } from './prefix-match.js';

/** Which entry countries serve a user living in each country, best first. */
const SERVES: Record<UserCountry, readonly EntryCountry[]> = {
  KZ: ['KZ', 'EAEU', 'ABROAD'],
  RU: ['EAEU', 'ABROAD'],
  KG: ['KG'],
  OTHER: ['ABROAD'],
};

export interface CountryDetector {
  detect(text: string): UserCountry | undefined;
}

type Cue = readonly [UserCountry, Pattern];

export function createCountryDetector(lexicon: Lexicon, analyzer: Analyzer): CountryDetector {
  const compile = (country: UserCountry, word: string): Cue[] => [
    [country, compilePattern(word, (t) => analyzer.tokens(t, 'fr'))],
    [country, compilePattern(word, (t) => analyzer.tokens(t, 'ru'))],
  ];
  const byCountry = (lists: Lexicon['places']) =>
    (Object.entries(lists) as [UserCountry, string[]][]).flatMap(([country, words]) => words.flatMap((w) => compile(country, w)));
  const places = byCountry(lexicon.places);
  const names = byCountry(lexicon.countries);
  const abroad = lexicon.abroad.flatMap((w) => compile('OTHER', w));

  return {
    detect(text) {
      const readings = [analyzer.tokens(text, 'fr'), analyzer.tokens(text, 'ru'), analyzer.tokens(text, 'ky')];
      const named = (cues: Cue[]) => {
        const found = new Set<UserCountry>();
        for (const [country, pattern] of cues) if (readings.some((tokens) => patternMatches(pattern, tokens))) found.add(country);
        return found;
      };
      const place = named(places);
      if (place.size === 1) return [...place][0];
      // A consulate or a third country: the family is abroad, wherever else the message points.
      if (place.size === 0 && named(abroad).size > 0) return 'OTHER';
      const countries = named(names);
      // "I am from Kyrgyzstan, living in Moscow": the other country is where the rules apply.
      if (countries.size > 1) countries.delete('KG');
      return countries.size === 1 ? [...countries][0] : undefined;
    },
  };
}

/** How well an entry fits a user's country: lower is better, Infinity when it does not apply. */
export function countryRank(entry: Entry, country: UserCountry): number {
  const ranks = entry.countries.map((c) => SERVES[country].indexOf(c)).filter((r) => r >= 0);
  return ranks.length > 0 ? Math.min(...ranks) : Infinity;
}

export interface VariantChoice {
  readonly entry: Entry;
  /** The same question for other countries, to offer as options (empty when the country was known). */
  readonly others: readonly Entry[];
  /** True when the country picked the entry; false when we guessed and should say which country it is about. */
  readonly countryKnown: boolean;
}

/** The search must prefer its variant by this factor over the country's own to keep it. */
const CLEAR_PREFERENCE = 1.5;

/**
 * The variant of `top`'s group for the user's country. With the search's `found` hits, `top` is
 * kept when it also applies to the country and the search clearly preferred it ("maternity leave
 * for a Kyrgyz worker in Kazakhstan" is the EAEU entry, not the Kazakhstan one); the variant made
 * for that country is then offered next to it.
 */
export function chooseVariant(top: Entry, entries: ReadonlyMap<string, Entry>, country?: UserCountry, found?: readonly EntryHit[]): VariantChoice {
  if (!top.group) return { entry: top, others: [], countryKnown: true };
  const variants = [...entries.values()].filter((e) => e.group === top.group);
  if (country) {
    const best = [...variants].sort((a, b) => countryRank(a, country) - countryRank(b, country))[0]!;
    const score = (e: Entry) => found?.find((h) => h.entry === e.id)?.score ?? 0;
    const clearlyPreferred = found !== undefined && score(top) >= CLEAR_PREFERENCE * score(best);
    if (best !== top && clearlyPreferred && countryRank(top, country) < Infinity) return { entry: top, others: [best], countryKnown: true };
    if (countryRank(best, country) < Infinity) return { entry: best, others: [], countryKnown: true };
  }
  return { entry: top, others: variants.filter((e) => e.id !== top.id), countryKnown: false };
}
