/**
 * Reads meaning into a sheet's cells: which text each row is, and whether each language's cell
 * is acceptable. Every row goes through one zod schema built from the knowledge base itself, and
 * every issue names the row, the column and what is wrong.
 */
import { z } from 'zod';
import { LANGS, type Lang } from '../../types.js';
import type { Problem } from '../problem.js';
import { fieldKey, valueOf, type SheetField } from './rows.js';
import { COLUMNS, columnLetter, sheetProblem, type TableRow } from './table.js';

/** A row that names a known text and whose cells are acceptable. */
export interface SheetRow {
  readonly number: number;
  readonly field: SheetField;
  /** The cell of each language the text exists in. */
  readonly cells: Partial<Record<Lang, string>>;
}

const REQUIRED = ['file', 'id', 'field', ...LANGS] as const;
type Column = (typeof REQUIRED)[number];

export function parseRows(
  table: readonly TableRow[],
  fields: readonly SheetField[],
  sheet: string,
): { rows: SheetRow[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const [header, ...body] = table;
  const columns = header ? headerColumns(header, sheet, problems) : undefined;
  if (!header) problems.push(sheetProblem(sheet, 'row 1', `the sheet is empty: expected the header ${COLUMNS.join(', ')}`));
  if (!columns) return { rows: [], problems };

  const schema = rowSchema(fields);
  const rows: SheetRow[] = [];
  const firstRow = new Map<SheetField, number>();
  for (const row of body) {
    // A row left blank (or emptied) in the spreadsheet names no text.
    if (row.cells.every((cell) => cell === '')) continue;
    const record = Object.fromEntries(REQUIRED.map((name) => [name, row.cells[columns[name]] ?? '']));
    const result = schema.safeParse(record);
    if (!result.success) {
      for (const issue of result.error.issues) problems.push(rowProblem(sheet, row.number, record, columns, issue));
      continue;
    }
    const earlier = firstRow.get(result.data.field);
    if (earlier !== undefined) {
      problems.push(sheetProblem(sheet, `row ${row.number}`, `names the same file, id and field as row ${earlier}: keep one of them`));
      continue;
    }
    firstRow.set(result.data.field, row.number);
    rows.push({ number: row.number, ...result.data });
  }
  return { rows, problems };
}

/** Where each column is; columns may be in any order, `note` and columns a translator added are ignored. */
function headerColumns(header: TableRow, sheet: string, problems: Problem[]): Record<Column, number> | undefined {
  const names = header.cells.map((cell) => cell.trim().toLowerCase());
  const columns: Partial<Record<Column, number>> = {};
  for (const name of REQUIRED) {
    const at = names.indexOf(name);
    if (at === -1) problems.push(sheetProblem(sheet, 'row 1', `column "${name}" is missing (expected ${COLUMNS.join(', ')})`));
    else if (names.indexOf(name, at + 1) !== -1) problems.push(sheetProblem(sheet, 'row 1', `column "${name}" appears twice`));
    else columns[name] = at;
  }
  const ok = REQUIRED.every((name) => columns[name] !== undefined);
  return ok ? (columns as Record<Column, number>) : undefined;
}

const anyText = z.string();
const nameCell = z.string().trim().min(1, 'is empty');

/** The schema of one row: known file, id and field; every language's cell present and valid for that field. */
function rowSchema(fields: readonly SheetField[]) {
  const byKey = new Map(fields.map((f) => [fieldKey(f.file, f.id, f.field), f]));
  const files = new Set(fields.map((f) => f.file));
  const ids = new Set(fields.map((f) => JSON.stringify([f.file, f.id])));
  const fieldNames = (file: string) => [...new Set(fields.filter((f) => f.file === file).map((f) => f.field))].join(', ');

  return z.object({ file: nameCell, id: nameCell, field: nameCell, fr: anyText, ru: anyText, ky: anyText }).transform((row, ctx) => {
    const field = byKey.get(fieldKey(row.file, row.id, row.field));
    if (!field) {
      if (!files.has(row.file)) ctx.addIssue({ code: 'custom', path: ['file'], message: `unknown file "${row.file}"` });
      else if (!ids.has(JSON.stringify([row.file, row.id]))) ctx.addIssue({ code: 'custom', path: ['id'], message: `unknown id "${row.id}" in ${row.file}` });
      else ctx.addIssue({ code: 'custom', path: ['field'], message: `unknown field "${row.field}" (expected ${fieldNames(row.file)})` });
      return z.NEVER;
    }
    const cells: Partial<Record<Lang, string>> = {};
    for (const lang of LANGS) {
      const text = row[lang];
      const slot = field.slots[lang];
      if (!slot) {
        if (text !== '') ctx.addIssue({ code: 'custom', path: [lang], message: `must stay empty: ${row.id} does not exist in ${lang}` });
        continue;
      }
      if (text === '' && slot.value.length > 0) {
        ctx.addIssue({ code: 'custom', path: [lang], message: 'is empty: every language needs its text (an empty cell deletes nothing)' });
        continue;
      }
      const checked = field.check.safeParse(valueOf(field, slot, text));
      for (const issue of checked.error?.issues ?? []) ctx.addIssue({ code: 'custom', path: [lang, ...issue.path], message: issue.message });
      cells[lang] = text;
    }
    return { field, cells };
  });
}

/** "row 7 (hotline-111 questions), column ru (E), line 3" */
function rowProblem(sheet: string, row: number, record: Record<string, string>, columns: Record<Column, number>, issue: z.core.$ZodIssue): Problem {
  const [column, line] = issue.path;
  const what = record.id && record.field ? ` (${record.id} ${record.field})` : '';
  let where = `row ${row}${what}`;
  if (typeof column === 'string' && column in columns) where += `, column ${column} (${columnLetter(columns[column as Column])})`;
  if (typeof line === 'number') where += `, line ${line + 1}`;
  return sheetProblem(sheet, where, issue.message);
}
