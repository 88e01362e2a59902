/** Export: the project's translatable texts as a CSV or xlsx sheet. */
import type { Problem } from '../problem.js';
import { toCsv } from './csv.js';
import { readFields, sheetRows } from './rows.js';
import type { SheetFormat } from './table.js';
import { toXlsx } from './xlsx.js';

export interface ExportResult {
  /** The file's content; absent when a text cannot be exported without loss (see problems). */
  readonly content?: string | Buffer;
  /** Rows below the header. */
  readonly rows: number;
  readonly problems: readonly Problem[];
}

export async function exportSheet(root: string, format: SheetFormat): Promise<ExportResult> {
  const { fields, problems } = readFields(root);
  if (problems.some((p) => p.severity === 'error')) return { rows: 0, problems };
  const rows = sheetRows(fields);
  const content = format === 'csv' ? toCsv(rows) : await toXlsx(rows);
  return { content, rows: rows.length - 1, problems };
}
