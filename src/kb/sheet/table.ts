/**
 * A translation sheet as a plain table of text cells, the shape shared by the CSV and xlsx
 * readers and writers: they only move cells, the meaning of a row is decided elsewhere.
 */
import { extname } from 'node:path';
import type { Problem } from '../problem.js';

/** The sheet's columns, in order. `note` is for the translator (limits, plural forms); import ignores it. */
export const COLUMNS = ['file', 'id', 'field', 'fr', 'ru', 'ky', 'note'] as const;

export type SheetFormat = 'csv' | 'xlsx';

/** One row of a sheet as read; `number` is the row number a spreadsheet shows (1 is the header). */
export interface TableRow {
  readonly number: number;
  readonly cells: readonly string[];
}

export interface ReadTable {
  readonly rows: readonly TableRow[];
  readonly problems: readonly Problem[];
}

/** The format a sheet file is in, from its extension; undefined for anything else. */
export function sheetFormatOf(path: string): SheetFormat | undefined {
  const ext = extname(path).toLowerCase();
  return ext === '.csv' ? 'csv' : ext === '.xlsx' ? 'xlsx' : undefined;
}

/**
 * Spreadsheet programs may save a line break inside a cell as CR LF; the knowledge files only
 * ever hold LF (YAML normalises line breaks), so CR LF is read back as LF.
 */
export function normalizeCell(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

/**
 * Characters a cell cannot carry unchanged: CR (see normalizeCell) and the control characters
 * XML, hence xlsx, cannot hold. A value containing one is refused on export, not silently altered.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const UNREPRESENTABLE = /[\u0000-\u0008\u000B\u000C\u000D\u000E-\u001F\uFFFE\uFFFF]/;

/** A problem located in the sheet rather than in a knowledge file. */
export function sheetProblem(sheet: string, where: string, message: string, severity: Problem['severity'] = 'error'): Problem {
  return { file: sheet, field: where, message, severity };
}

/** 0 → A, 25 → Z, 26 → AA: the column letter a spreadsheet shows. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}
