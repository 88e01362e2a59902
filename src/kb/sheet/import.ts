/**
 * Import: a translation sheet back into the knowledge files. Every row is checked, the changes
 * are worked out against the files as they are, and the whole knowledge base is validated with
 * the changes in a scratch copy before a single project file is written.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { loadKnowledge } from '../load.js';
import type { Problem } from '../problem.js';
import { applyJsonEdits, applyYamlEdits, ApplyError } from './apply.js';
import { computeChanges, type Change } from './changes.js';
import { parseCsv } from './csv.js';
import { parseRows } from './parse.js';
import { readFields } from './rows.js';
import { sheetFormatOf, sheetProblem, type ReadTable } from './table.js';
import { readXlsx } from './xlsx.js';

export interface ImportOptions {
  /** Work everything out and validate it, write nothing. */
  readonly dryRun?: boolean;
}

/** What an import did (or, on a dry run or with problems, would have done): enough for an audit log. */
export interface ImportResult {
  /** Every change the sheet asks for, valid or not written. */
  readonly changes: readonly Change[];
  /** The files written, relative to the project folder: empty on a dry run or when there is any error. */
  readonly written: readonly string[];
  readonly problems: readonly Problem[];
  readonly dryRun: boolean;
}

const PROJECT_FOLDERS = ['knowledge', 'intents', 'locales'];

export async function importSheet(root: string, sheetFile: string, options: ImportOptions = {}): Promise<ImportResult> {
  const dryRun = options.dryRun ?? false;
  const done = (changes: readonly Change[], problems: readonly Problem[], written: readonly string[] = []): ImportResult => ({
    changes,
    written,
    problems,
    dryRun,
  });
  const sheet = basename(sheetFile);

  const table = await readTable(sheetFile, sheet);
  if (hasError(table.problems)) return done([], table.problems);

  const current = readFields(root);
  if (hasError(current.problems)) return done([], current.problems);

  const parsed = parseRows(table.rows, current.fields, sheet);
  const changes = computeChanges(parsed.rows);
  const problems = [...table.problems, ...parsed.problems];
  if (hasError(problems) || changes.length === 0) return done(changes, problems);

  const updated = new Map<string, string>();
  for (const [file, edits] of groupByFile(changes)) {
    const text = current.texts.get(file)!;
    try {
      updated.set(file, file.endsWith('.json') ? applyJsonEdits(text, edits) : applyYamlEdits(text, edits));
    } catch (err) {
      if (!(err instanceof ApplyError)) throw err;
      problems.push({ file, field: '', message: err.message, severity: 'error' });
    }
  }
  if (hasError(problems)) return done(changes, problems);

  problems.push(...validateWith(root, updated));
  if (hasError(problems) || dryRun) return done(changes, problems);

  // Someone may have edited a file since it was read: writing would silently undo their edit.
  for (const file of updated.keys()) {
    if (readFileSync(join(root, file), 'utf8') !== current.texts.get(file)) {
      problems.push({ file, field: '', message: 'changed on disk during the import: nothing written, run the import again', severity: 'error' });
    }
  }
  if (hasError(problems)) return done(changes, problems);
  return done(changes, problems, writeAll(root, updated));
}

async function readTable(path: string, sheet: string): Promise<ReadTable> {
  const format = sheetFormatOf(path);
  if (!format) return { rows: [], problems: [sheetProblem(sheet, '', 'is neither .csv nor .xlsx')] };
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (err) {
    return { rows: [], problems: [sheetProblem(sheet, '', `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`)] };
  }
  return format === 'csv' ? parseCsv(content, sheet) : await readXlsx(content, sheet);
}

function groupByFile(changes: readonly Change[]): Map<string, Change[]> {
  const byFile = new Map<string, Change[]>();
  for (const c of changes) byFile.set(c.file, [...(byFile.get(c.file) ?? []), c]);
  return byFile;
}

/** The knowledge base's own checks, run on a scratch copy of the project with the updated files in it. */
function validateWith(root: string, updated: ReadonlyMap<string, string>): Problem[] {
  const scratch = mkdtempSync(join(tmpdir(), 'jardam-import-'));
  try {
    for (const folder of PROJECT_FOLDERS) {
      if (existsSync(join(root, folder))) cpSync(join(root, folder), join(scratch, folder), { recursive: true });
    }
    for (const [file, text] of updated) writeFileSync(join(scratch, file), text);
    return loadKnowledge(scratch).problems.filter((p) => p.severity === 'error');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Each file is written beside itself first, then all are renamed in place: no file is ever half written. */
function writeAll(root: string, updated: ReadonlyMap<string, string>): string[] {
  const staged: [string, string][] = [];
  try {
    for (const [file, text] of updated) {
      const temp = join(root, `${file}.import-${process.pid}.tmp`);
      writeFileSync(temp, text);
      staged.push([temp, join(root, file)]);
    }
  } catch (err) {
    for (const [temp] of staged) rmSync(temp, { force: true });
    throw err;
  }
  for (const [temp, target] of staged) renameSync(temp, target);
  return [...updated.keys()];
}

function hasError(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}
