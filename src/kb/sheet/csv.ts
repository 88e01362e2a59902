/** The sheet as CSV (RFC 4180 quoting by csv-stringify / csv-parse; nothing hand-written). */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { normalizeCell, sheetProblem, type ReadTable } from './table.js';

/**
 * UTF-8 with a byte-order mark: without it Excel reads the file in the system code page and
 * Cyrillic turns to mojibake. Cells with a space at either end are quoted so no program trims them.
 */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return stringify(rows as string[][], { bom: true, quoted_match: /^\s|\s$/ });
}

/**
 * Reads a CSV sheet, with or without a byte-order mark. A spreadsheet program set to French or
 * Russian saves CSV with `;` between cells: the separator is taken from the header line.
 */
export function parseCsv(input: Buffer | string, sheet: string): ReadTable {
  const text = typeof input === 'string' ? input : input.toString('utf8');
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      delimiter: separatorOf(text),
      // A program may drop trailing empty cells; a missing cell reads as empty and is judged later.
      relax_column_count: true,
      // Blank lines are kept as rows so row numbers match what a spreadsheet shows; they are skipped later.
      skip_empty_lines: false,
    });
  } catch (err) {
    return { rows: [], problems: [sheetProblem(sheet, '', `is not valid CSV: ${(err as Error).message}`)] };
  }
  return { rows: records.map((cells, i) => ({ number: i + 1, cells: cells.map(normalizeCell) })), problems: [] };
}

function separatorOf(text: string): string {
  const header = text.replace(/^\uFEFF/, '').split('\n', 1)[0] ?? '';
  const count = (sep: string) => header.split(sep).length - 1;
  return [';', '\t'].find((sep) => count(sep) > count(',')) ?? ',';
}
