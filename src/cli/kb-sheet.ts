/**
 * `jardam kb export` and `jardam kb import`: every user-facing text in one sheet for translators,
 * and the edited sheet back into the files. Options are parsed here: `--format`, `--out` and
 * `--dry-run` mean nothing to the other commands.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { PROJECT_ROOT } from '../kb/load.js';
import { formatProblem, type Problem } from '../kb/problem.js';
import { formatChange } from '../kb/sheet/changes.js';
import { exportSheet } from '../kb/sheet/export.js';
import { importSheet } from '../kb/sheet/import.js';
import { sheetFormatOf } from '../kb/sheet/table.js';
import { auditFromCli } from './store.js';
import { UsageError } from './options.js';

const sheetOptions = z.object({
  format: z.enum(['csv', 'xlsx'], { message: '--format must be csv or xlsx' }).optional(),
  out: z.string().min(1).optional(),
  root: z.string().min(1).optional(),
  'dry-run': z.boolean().optional(),
});

function parseSheetArgs(args: string[], allowed: readonly (keyof z.infer<typeof sheetOptions>)[]) {
  const all = { format: { type: 'string' }, out: { type: 'string' }, root: { type: 'string' }, 'dry-run': { type: 'boolean' } } as const;
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: Object.fromEntries(allowed.map((name) => [name, all[name]])) });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const result = sheetOptions.safeParse(parsed.values);
  if (!result.success) throw new UsageError(result.error.issues.map((i) => i.message).join('; '));
  return { options: result.data, positionals: parsed.positionals };
}

/** `kb export --format csv|xlsx [--out FILE]`: CSV goes to stdout without --out; the format follows --out's extension if not given. */
export async function runKbExport(args: string[]): Promise<number> {
  const { options, positionals } = parseSheetArgs(args, ['format', 'out', 'root']);
  if (positionals.length > 0) throw new UsageError(`kb export takes no arguments (got "${positionals[0]}"); use --out FILE`);
  const fromOut = options.out === undefined ? undefined : sheetFormatOf(options.out);
  if (options.format && fromOut && options.format !== fromOut) throw new UsageError(`--format ${options.format} does not match --out ${options.out}`);
  const format = options.format ?? fromOut ?? 'csv';
  if (format === 'xlsx' && options.out === undefined) throw new UsageError('an xlsx sheet needs --out FILE');

  const result = await exportSheet(options.root ?? PROJECT_ROOT, format);
  if (!result.content) {
    printProblems(result.problems, console.error);
    console.error('Nothing exported: these texts cannot go into a sheet unchanged.');
    return 1;
  }
  if (options.out === undefined) {
    process.stdout.write(result.content);
  } else {
    writeFileSync(options.out, result.content);
    console.log(`${result.rows} rows written to ${options.out}`);
  }
  return 0;
}

/** `kb import FILE [--dry-run]`: prints each change, then the problems or a summary. Exit 1 on any error, nothing written then. */
export async function runKbImport(args: string[]): Promise<number> {
  const { options, positionals } = parseSheetArgs(args, ['root', 'dry-run']);
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError('kb import needs the sheet file (.csv or .xlsx)');
  if (extra.length > 0) throw new UsageError(`kb import takes one file (got also "${extra[0]}")`);
  if (!sheetFormatOf(file)) throw new UsageError(`cannot tell the format of ${file}: name it .csv or .xlsx`);

  const dryRun = options['dry-run'] ?? false;
  const result = await importSheet(options.root ?? PROJECT_ROOT, file, { dryRun });
  for (const change of result.changes) console.log(formatChange(change));
  const errors = result.problems.filter((p) => p.severity === 'error');
  printProblems(result.problems, console.log);
  if (errors.length > 0) {
    console.log(`\n${errors.length} error(s): nothing written.`);
    return 1;
  }
  if (result.changes.length === 0) {
    console.log('no changes');
    return 0;
  }
  const files = new Set(result.changes.map((c) => c.file)).size;
  const summary = `${plural(result.changes.length, 'change')} in ${plural(files, 'file')}`;
  console.log(dryRun ? `${summary} (dry run: nothing written)` : summary);
  if (!dryRun) await auditFromCli('kb.import', file, summary);
  return 0;
}

function printProblems(problems: readonly Problem[], print: (line: string) => void): void {
  for (const p of problems) print(formatProblem(p));
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
