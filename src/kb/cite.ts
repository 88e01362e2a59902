/** Renders citations as the short source line people see under an answer. */
import type { Lang } from '../types.js';
import type { Citation, SourceDoc } from './schema.js';

/** [95, 96, 97, 98, 118] → "95–98, 118" */
export function paragraphRanges(paras: readonly number[]): string {
  const sorted = [...new Set(paras)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j > i ? `${sorted[i]}–${sorted[j]}` : `${sorted[i]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/** "CRC/C/KAZ/RQ/5-6 ¶95–98; MIEUX+: …" — symbols stay as the UN writes them; titles are translated. */
export function formatCitations(
  citations: readonly Citation[],
  docs: ReadonlyMap<string, SourceDoc>,
  lang: Lang,
): string {
  return citations
    .map((c) => {
      const doc = docs.get(c.doc);
      const name = doc ? (doc.symbol ?? doc.title[lang]) : c.doc;
      return c.paras ? `${name} ¶${paragraphRanges(c.paras)}` : name;
    })
    .join('; ');
}
