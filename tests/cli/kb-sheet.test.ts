import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { PROJECT_ROOT } from '../../src/kb/load.js';
import { scratchProject } from '../helpers/kb.js';
import { openStore } from '../../src/store/open.js';

/** The audit log of an import goes to the database in this data directory. */
const dataDir = mkdtempSync(join(tmpdir(), 'jardam-sheet-data-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function jardam(args: string[]) {
  const run = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/jardam.mjs'), ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' } });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

const roots: string[] = [];
function project(): string {
  const root = scratchProject();
  roots.push(root);
  return root;
}
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** Exports the copy as CSV through the command, changes one cell of the parsed sheet and saves it. */
function editedSheet(root: string, id: string, field: string, column: number, value: string): string {
  const exported = jardam(['kb', 'export', '--format', 'csv', '--root', root]);
  expect(exported.code).toBe(0);
  const rows: string[][] = parseCsv(exported.out, { bom: true });
  const row = rows.find((r) => r[1] === id && r[2] === field)!;
  row[column] = value;
  const path = join(root, 'edits.csv');
  writeFileSync(path, stringifyCsv(rows));
  return path;
}

// Each run starts the CLI (about 1.5 s with tsx): room for a busy machine.
describe('jardam kb export / kb import', { timeout: 90_000 }, () => {
  it('exports CSV to stdout with a byte-order mark, and refuses options that make no sense', () => {
    const root = project();
    const csv = jardam(['kb', 'export', '--format', 'csv', '--root', root]);
    expect(csv.code).toBe(0);
    expect(csv.out.startsWith('\uFEFFfile,id,field,fr,ru,ky,note\n')).toBe(true);
    expect(csv.out).toContain('knowledge/entries/hotline-111.yaml,hotline-111,title,La ligne 111 : aide aux enfants et aux familles,');

    const noOut = jardam(['kb', 'export', '--format', 'xlsx', '--root', root]);
    expect(noOut.code).toBe(2);
    expect(noOut.err).toMatch(/an xlsx sheet needs --out FILE/);
    expect(jardam(['kb', 'export', '--format', 'pdf']).err).toMatch(/--format must be csv or xlsx/);
    expect(jardam(['kb', 'export', '--format', 'csv', '--out', join(root, 'x.xlsx')]).code).toBe(2);
    expect(jardam(['kb', 'import']).code).toBe(2);
    const txt = jardam(['kb', 'import', 'sheet.txt']);
    expect(txt.code).toBe(2);
    expect(txt.err).toMatch(/name it \.csv or \.xlsx/);
  });

  it('xlsx: export to a file and import it unedited gives "no changes"', () => {
    const root = project();
    const hotline = readFileSync(join(root, 'knowledge/entries/hotline-111.yaml'), 'utf8');
    const sheet = join(root, 'texts.xlsx');
    const exported = jardam(['kb', 'export', '--out', sheet, '--root', root]);
    expect(exported.code).toBe(0);
    expect(exported.out).toMatch(/^\d+ rows written to .*texts\.xlsx\n$/);
    expect(readFileSync(sheet).subarray(0, 2).toString()).toBe('PK');
    const imported = jardam(['kb', 'import', sheet, '--root', root]);
    expect(imported).toMatchObject({ code: 0, out: 'no changes\n' });
    expect(readFileSync(join(root, 'knowledge/entries/hotline-111.yaml'), 'utf8')).toBe(hotline);
  });

  it('--dry-run lists the change and writes nothing; without it the file changes, the base stays valid and the import is audited', async () => {
    const root = project();
    const file = join(root, 'knowledge/entries/hotline-111.yaml');
    const original = readFileSync(file, 'utf8');
    const sheet = editedSheet(root, 'hotline-111', 'title', 4, 'Линия 111 — помощь детям');

    const dry = jardam(['kb', 'import', sheet, '--dry-run', '--root', root]);
    expect(dry.code).toBe(0);
    expect(dry.out).toBe(
      'knowledge/entries/hotline-111.yaml hotline-111 title [ru]: "Линия 111: помощь детям и семьям" → "Линия 111 — помощь детям"\n' +
        '1 change in 1 file (dry run: nothing written)\n',
    );
    expect(readFileSync(file, 'utf8')).toBe(original);

    const real = jardam(['kb', 'import', sheet, '--root', root]);
    expect(real.code).toBe(0);
    expect(real.out).toMatch(/\n1 change in 1 file\n$/);
    expect(readFileSync(file, 'utf8')).toBe(original.replace('"Линия 111: помощь детям и семьям"', '"Линия 111 — помощь детям"'));
    expect(jardam(['kb', 'validate', '--root', root]).code).toBe(0);
    expect(jardam(['kb', 'import', sheet, '--root', root]).out).toBe('no changes\n');
    const store = await openStore({ dataDir });
    const audit = (await store.auditLog()).filter((a) => a.action === 'kb.import');
    await store.close();
    expect(audit).toEqual([expect.objectContaining({ actor: 'cli', target: sheet, detail: '1 change in 1 file' })]);
  });

  it('an invalid sheet: exit 1, the problem with row and column, nothing written', () => {
    const root = project();
    const file = join(root, 'knowledge/entries/hotline-111.yaml');
    const original = readFileSync(file, 'utf8');
    const sheet = editedSheet(root, 'hotline-111', 'short', 3, '');
    const result = jardam(['kb', 'import', sheet, '--root', root]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^error: edits\.csv: row \d+ \(hotline-111 short\), column fr \(D\): is empty/m);
    expect(result.out).toMatch(/1 error\(s\): nothing written\.\n$/);
    expect(readFileSync(file, 'utf8')).toBe(original);

    const tooLong = editedSheet(root, 'hotline-111', 'short', 5, 'очень длинная кнопка 111');
    const dry = jardam(['kb', 'import', tooLong, '--dry-run', '--root', root]);
    expect(dry.code).toBe(1);
    expect(dry.out).toMatch(/column ky \(F\): is longer than 20 characters \(button label\)/);
  });
});
