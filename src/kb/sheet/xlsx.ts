/** The sheet as an Excel workbook (write-excel-file / read-excel-file). */
import { readSheet } from 'read-excel-file/node';
import writeExcelFile, { type SheetData } from 'write-excel-file/node';
import { COLUMNS, columnLetter, normalizeCell, sheetProblem, type ReadTable, type TableRow } from './table.js';
import type { Problem } from '../problem.js';

const WIDTHS: Record<(typeof COLUMNS)[number], number> = { file: 34, id: 28, field: 10, fr: 60, ru: 60, ky: 60, note: 36 };

/**
 * Every cell is a string in Excel's Text format (`@`): a spreadsheet program then keeps "1899",
 * "0012" or "2026-11-24" as typed instead of turning them into numbers or dates, even after an edit.
 */
export async function toXlsx(rows: readonly (readonly string[])[]): Promise<Buffer> {
  const data: SheetData = rows.map((row, r) =>
    row.map((value) => ({
      value,
      type: String,
      format: '@',
      alignVertical: 'top' as const,
      ...(r === 0 ? { fontWeight: 'bold' as const } : { wrap: true }),
    })),
  );
  return writeExcelFile(data, {
    sheet: 'texts',
    stickyRowsCount: 1,
    columns: COLUMNS.map((name) => ({ width: WIDTHS[name] })),
  }).toBuffer();
}

/**
 * Reads the first sheet. Text is not trimmed (spaces at either end are part of a value) and
 * numbers are kept as the digits stored, so a cell that did become a number still reads as typed.
 * A date cannot be turned back into what was typed: it is an error naming the cell.
 */
export async function readXlsx(input: string | Buffer, sheet: string): Promise<ReadTable> {
  let data: unknown[][];
  try {
    data = await readSheet(input, { trim: false, parseNumber: (digits: string) => digits });
  } catch (err) {
    return { rows: [], problems: [sheetProblem(sheet, '', `is not a readable .xlsx file: ${(err as Error).message}`)] };
  }
  const problems: Problem[] = [];
  const rows: TableRow[] = data.map((cells, r) => ({
    number: r + 1,
    cells: cells.map((cell, c) => {
      if (cell === null || cell === undefined) return '';
      if (typeof cell === 'string') return normalizeCell(cell);
      const where = `row ${r + 1}, column ${columnLetter(c)}`;
      const kind = cell instanceof Date ? 'a date' : typeof cell === 'boolean' ? 'a TRUE/FALSE value' : 'not text';
      problems.push(sheetProblem(sheet, where, `is ${kind} in the spreadsheet: format the cell as Text and type the value again`));
      return '';
    }),
  }));
  return { rows, problems };
}
