/** What a sheet changes: one change per text and language whose cell differs from the file. */
import { isDeepStrictEqual } from 'node:util';
import { LANGS, type Lang } from '../../types.js';
import { cellOf, valueOf, type Path } from './rows.js';
import type { SheetRow } from './parse.js';

export interface Change {
  /** The sheet row it comes from. */
  readonly row: number;
  /** The file that changes, relative to the project folder. */
  readonly file: string;
  readonly id: string;
  readonly field: string;
  readonly lang: Lang;
  /** The text as a cell shows it, before and after (a list: one item per line). */
  readonly before: string;
  readonly after: string;
  /** Where the value is inside the file, and the value as the file will hold it. */
  readonly path: Path;
  readonly value: string | readonly string[];
}

export function computeChanges(rows: readonly SheetRow[]): Change[] {
  const changes: Change[] = [];
  for (const { number, field, cells } of rows) {
    for (const lang of LANGS) {
      const slot = field.slots[lang];
      const after = cells[lang];
      if (!slot || after === undefined) continue;
      const value = valueOf(field, slot, after);
      if (isDeepStrictEqual(value, slot.value)) continue;
      changes.push({ row: number, file: slot.file, id: field.id, field: field.field, lang, before: cellOf(slot), after, path: slot.path, value });
    }
  }
  return changes;
}

/** `knowledge/entries/x.yaml x title [ru]: "…old…" → "…new…"` */
export function formatChange(c: Change): string {
  const [before, after] = shorten(c.before, c.after);
  return `${c.file} ${c.id} ${c.field} [${c.lang}]: ${before} → ${after}`;
}

const CONTEXT = 20;
const MIDDLE = 60;

/**
 * Long texts shown around what changed: the common start and end are cut down to a little
 * context, the differing middle to a readable length. Quoted like JSON so a changed space or
 * line break is visible. Counts code points, so an emoji is never cut in half.
 */
export function shorten(before: string, after: string): [string, string] {
  const a = Array.from(before);
  const b = Array.from(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  const show = (chars: string[]) => {
    const head = start > CONTEXT ? ['…', ...chars.slice(start - CONTEXT, start)] : chars.slice(0, start);
    let middle = chars.slice(start, chars.length - end);
    if (middle.length > MIDDLE) middle = [...middle.slice(0, MIDDLE / 2), '…', ...middle.slice(-MIDDLE / 2)];
    const tail = end > CONTEXT ? [...chars.slice(chars.length - end, chars.length - end + CONTEXT), '…'] : chars.slice(chars.length - end);
    return JSON.stringify([...head, ...middle, ...tail].join(''));
  };
  return [show(a), show(b)];
}
