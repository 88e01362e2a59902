/**
 * Splits a source document into its numbered paragraphs, so citations can be checked and quoted.
 * UN documents number paragraphs at the start of a line ("95. " or "50.<tab>"); tables and
 * footnotes restart small numbers, so a number only counts when it follows the previous one.
 */
const PARAGRAPH_START = /^\s*(?:\[bookmark:[^\]]*\]\s*)?(\d{1,3})\.\s/;
/** How far a paragraph number may jump (a paragraph whose number line was lost in conversion). */
const MAX_GAP = 3;

export interface SourceText {
  /** The whole text, whitespace folded: where quotes are looked up. */
  readonly text: string;
  /** Paragraph number → text (whitespace folded); empty for unnumbered documents. */
  readonly paragraphs: ReadonlyMap<number, string>;
}

export function foldWhitespace(text: string): string {
  return text.replace(/[\s\u00a0]+/g, ' ').trim();
}

export function parseSourceText(raw: string, numbered: boolean): SourceText {
  const paragraphs = new Map<number, string>();
  if (numbered) {
    let current = 0;
    let buffer: string[] = [];
    const flush = () => {
      if (current > 0) paragraphs.set(current, foldWhitespace(buffer.join(' ')));
    };
    for (const line of raw.split(/\r?\n/)) {
      const match = PARAGRAPH_START.exec(line);
      const n = match ? Number(match[1]) : NaN;
      if (match && n > current && n <= current + MAX_GAP) {
        flush();
        current = n;
        buffer = [line.slice(match[0].length)];
      } else if (current > 0) {
        buffer.push(line);
      }
    }
    flush();
  }
  return { text: foldWhitespace(raw), paragraphs };
}

/** Typographic variants that should not make an exact quote fail. */
export function normalizeQuote(text: string): string {
  return foldWhitespace(text)
    .replace(/[’‘`]/g, "'")
    .replace(/[«»“”]/g, '"')
    .toLowerCase();
}
