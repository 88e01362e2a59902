/**
 * Word-prefix patterns ("паспорт забрал", "=ош"): a pattern matches when each of its words
 * begins some word of the message ("=word" and words of one or two letters must match whole).
 */
export type Pattern = readonly string[];

/** Pattern words this short match whole words only. */
export const WHOLE_WORD_MAX = 2;

export function wordMatches(patternWord: string, token: string): boolean {
  if (patternWord.startsWith('=')) return token === patternWord.slice(1);
  if (patternWord.length <= WHOLE_WORD_MAX) return token === patternWord;
  return token.startsWith(patternWord);
}

export function patternMatches(pattern: Pattern, tokens: readonly string[]): boolean {
  return pattern.length > 0 && pattern.every((word) => tokens.some((t) => wordMatches(word, t)));
}

/** Compiles a written pattern with the same tokenizer as messages, keeping the "=" markers. */
export function compilePattern(source: string, tokenize: (text: string) => string[]): Pattern {
  return source
    .trim()
    .split(/\s+/)
    .flatMap((word) => {
      const whole = word.startsWith('=');
      return tokenize(whole ? word.slice(1) : word).map((t) => (whole ? `=${t}` : t));
    });
}
