import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseCsvText } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { readSheet } from 'read-excel-file/node';
import writeExcelFile from 'write-excel-file/node';
import { parse as parseYaml } from 'yaml';
import { exportSheet } from '../../src/kb/sheet/export.js';
import { importSheet } from '../../src/kb/sheet/import.js';
import { applyJsonEdits, applyYamlEdits, ApplyError } from '../../src/kb/sheet/apply.js';
import { shorten } from '../../src/kb/sheet/changes.js';
import { loadKnowledge } from '../../src/kb/load.js';
import { scratchProject } from '../helpers/kb.js';

const LANG_COLUMN = { fr: 3, ru: 4, ky: 5 } as const;
type Lang = keyof typeof LANG_COLUMN;
type Rows = string[][];

const roots: string[] = [];
function project(): string {
  const root = scratchProject();
  roots.push(root);
  return root;
}
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** Every file of the project copy, by path, to compare byte for byte. */
function snapshot(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(root, path), readFileSync(path, 'latin1'));
    }
  };
  for (const folder of ['knowledge', 'intents', 'locales']) walk(join(root, folder));
  return files;
}

/** The files that differ between two snapshots. */
function changedFiles(before: Map<string, string>, after: Map<string, string>): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((n) => before.get(n) !== after.get(n)).sort();
}

async function exportRows(root: string): Promise<Rows> {
  const { content, problems } = await exportSheet(root, 'csv');
  expect(problems).toEqual([]);
  return parseCsvText(content as string, { bom: true });
}

function rowOf(rows: Rows, id: string, field: string): string[] {
  const row = rows.find((r) => r[1] === id && r[2] === field);
  if (!row) throw new Error(`no row ${id} ${field}`);
  return row;
}

function setCell(rows: Rows, id: string, field: string, lang: Lang, value: string | ((old: string) => string)): void {
  const row = rowOf(rows, id, field);
  row[LANG_COLUMN[lang]] = typeof value === 'string' ? value : value(row[LANG_COLUMN[lang]]!);
}

function writeCsv(root: string, rows: Rows, name = 'edits.csv'): string {
  const path = join(root, name);
  writeFileSync(path, stringifyCsv(rows));
  return path;
}

/** Written by the test itself with write-excel-file, every cell a text cell as a translator's file would be. */
async function writeXlsx(root: string, rows: Rows, name = 'edits.xlsx'): Promise<string> {
  const path = join(root, name);
  const data = rows.map((row) => row.map((value) => ({ value, type: String, format: '@' })));
  writeFileSync(path, await writeExcelFile(data).toBuffer());
  return path;
}

const entryPath = (root: string, id: string) => join(root, 'knowledge/entries', `${id}.yaml`);
const read = (path: string) => readFileSync(path, 'utf8');

describe('kb export', () => {
  it('has one row per entry field, reply, document title and interface string, holding exactly what the files hold', async () => {
    const root = project();
    const rows = await exportRows(root);
    expect(rows[0]).toEqual(['file', 'id', 'field', 'fr', 'ru', 'ky', 'note']);
    const body = rows.slice(1);

    const entryFiles = readdirSync(join(root, 'knowledge/entries')).filter((n) => n.endsWith('.yaml')).sort();
    const entryRows = body.filter((r) => r[0]!.startsWith('knowledge/entries/'));
    expect(entryRows.map((r) => `${r[0]} ${r[2]}`)).toEqual(
      entryFiles.flatMap((n) => ['title', 'short', 'answer', 'questions'].map((f) => `knowledge/entries/${n} ${f}`)),
    );
    for (const name of entryFiles) {
      const entry = parseYaml(read(join(root, 'knowledge/entries', name)));
      for (const lang of ['fr', 'ru', 'ky'] as const) {
        const cell = (field: string) => rowOf(body, entry.id, field)[LANG_COLUMN[lang]];
        expect(cell('title')).toBe(entry.title[lang]);
        expect(cell('short')).toBe(entry.short[lang]);
        // A block literal's final line break is layout: the cell holds the text without it.
        expect(cell('answer')).toBe(entry.answer[lang].replace(/\n$/, ''));
        expect(cell('questions')).toBe(entry.questions[lang].join('\n'));
      }
    }

    const replies = parseYaml(read(join(root, 'knowledge/replies.yaml')));
    const replyRows = body.filter((r) => r[0] === 'knowledge/replies.yaml');
    expect(replyRows.map((r) => r[1])).toEqual(Object.keys(replies));
    expect(rowOf(replyRows, 'emergency', 'text')[LANG_COLUMN.ky]).toBe(replies.emergency.text.ky.replace(/\n$/, ''));

    const sources = parseYaml(read(join(root, 'knowledge/sources.yaml')));
    const sourceRows = body.filter((r) => r[0] === 'knowledge/sources.yaml');
    expect(sourceRows.map((r) => [r[1], r[2], r[3]])).toEqual(sources.map((s: any) => [s.id, 'title', s.title.fr]));

    // Interface strings: every string of every locale file, by dotted key; a plural form a language does not have is an empty cell.
    const localeRows = body.filter((r) => r[0] === 'locales/{lang}/translation.json');
    const flat = (value: any, prefix = ''): [string, string][] =>
      typeof value === 'string' ? [[prefix, value]] : Object.entries(value).flatMap(([k, v]) => flat(v, prefix ? `${prefix}.${k}` : k));
    const keys = new Set<string>();
    for (const lang of ['fr', 'ru', 'ky'] as const) {
      const strings = flat(JSON.parse(read(join(root, 'locales', lang, 'translation.json'))));
      for (const [key, value] of strings) {
        keys.add(key);
        expect(rowOf(localeRows, key, 'text')[LANG_COLUMN[lang]]).toBe(value);
      }
      const have = new Set(strings.map(([k]) => k));
      for (const row of localeRows) if (!have.has(row[1]!)) expect(row[LANG_COLUMN[lang]]).toBe('');
    }
    expect(localeRows).toHaveLength(keys.size);
    expect(rowOf(localeRows, 'clarify.intro_few', 'text')[LANG_COLUMN.fr]).toBe('');
    expect(rowOf(localeRows, 'clarify.intro_few', 'text')[6]).toMatch(/plural form "few"/);

    expect(body).toHaveLength(entryRows.length + replyRows.length + sourceRows.length + localeRows.length);
    const files = body.map((r) => r[0]!);
    expect(files).toEqual([...files].sort());
  });

  it('writes CSV with a byte-order mark and an xlsx whose every cell is text', async () => {
    const root = project();
    const csv = await exportSheet(root, 'csv');
    expect((csv.content as string).startsWith('\uFEFFfile,id,field,fr,ru,ky,note\n')).toBe(true);
    const xlsx = await exportSheet(root, 'xlsx');
    const sheet = await readSheet(xlsx.content as Buffer, { trim: false });
    expect(sheet[0]).toEqual(['file', 'id', 'field', 'fr', 'ru', 'ky', 'note']);
    expect(sheet.slice(1).flat().every((cell) => cell === null || typeof cell === 'string')).toBe(true);
    expect(sheet.length - 1).toBe(csv.rows);
  });
});

describe('kb import', () => {
  it.each(['csv', 'xlsx'] as const)('%s: an unedited export comes back as "no changes" and every file stays byte-identical', async (format) => {
    const root = project();
    const before = snapshot(root);
    const { content } = await exportSheet(root, format);
    const sheet = join(root, `sheet.${format}`);
    writeFileSync(sheet, content!);
    const result = await importSheet(root, sheet);
    expect(result.problems).toEqual([]);
    expect(result.changes).toEqual([]);
    expect(result.written).toEqual([]);
    expect(changedFiles(before, snapshot(root))).toEqual([]);
  });

  it('one edited cell changes exactly that value and nothing else in any file', async () => {
    const root = project();
    const file = entryPath(root, 'hotline-111');
    const original = read(file);
    const before = snapshot(root);
    const rows = await exportRows(root);
    setCell(rows, 'hotline-111', 'title', 'ru', 'Линия 111 — помощь детям');
    const result = await importSheet(root, writeCsv(root, rows));

    expect(result.problems).toEqual([]);
    expect(result.changes).toHaveLength(1);
    expect(result.changes[0]).toMatchObject({
      file: 'knowledge/entries/hotline-111.yaml',
      id: 'hotline-111',
      field: 'title',
      lang: 'ru',
      before: 'Линия 111: помощь детям и семьям',
      after: 'Линия 111 — помощь детям',
    });
    expect(result.written).toEqual(['knowledge/entries/hotline-111.yaml']);
    expect(changedFiles(before, snapshot(root))).toEqual(['knowledge/entries/hotline-111.yaml']);
    expect(read(file)).toBe(original.replace('  ru: "Линия 111: помощь детям и семьям"\n', '  ru: "Линия 111 — помощь детям"\n'));
  });

  it('an edited answer keeps its block literal and the file changes only inside it (xlsx)', async () => {
    const root = project();
    const file = entryPath(root, 'hotline-111');
    const original = read(file);
    const rows = await exportRows(root);
    const oldSentence = 'Бала кайда жашаса да болот.';
    const newSentence = 'Бала кайсы шаарда жашаса да болот.';
    expect(original).toContain(oldSentence);
    setCell(rows, 'hotline-111', 'answer', 'ky', (old) => old.replace(oldSentence, newSentence));
    const result = await importSheet(root, await writeXlsx(root, rows));

    expect(result.problems).toEqual([]);
    expect(result.changes.map((c) => `${c.id} ${c.field} ${c.lang}`)).toEqual(['hotline-111 answer ky']);
    expect(read(file)).toBe(original.replace(oldSentence, newSentence));
    expect(read(file)).toContain('  ky: |\n');
  });

  it('an edited plural form changes one line of one locale file', async () => {
    const root = project();
    const before = snapshot(root);
    const file = join(root, 'locales/ru/translation.json');
    const original = read(file);
    const rows = await exportRows(root);
    const old = rowOf(rows, 'clarify.intro_few', 'text')[LANG_COLUMN.ru]!;
    setCell(rows, 'clarify.intro_few', 'text', 'ru', 'Вы спрашиваете об одной из {{count}} тем?');
    const result = await importSheet(root, writeCsv(root, rows));

    expect(result.problems).toEqual([]);
    expect(changedFiles(before, snapshot(root))).toEqual(['locales/ru/translation.json']);
    expect(read(file)).toBe(original.replace(`"intro_few": ${JSON.stringify(old)}`, '"intro_few": "Вы спрашиваете об одной из {{count}} тем?"'));
  });

  it.each(['csv', 'xlsx'] as const)('%s: commas, quotes, spaces, emoji, Kyrgyz letters and number- or date-like texts survive as strings', async (format) => {
    const root = project();
    const file = entryPath(root, 'hotline-1899');
    const rows = await exportRows(root);
    const original = parseYaml(read(file));
    const added = ['  1899, "vraiment" gratuit ?  ', '111', '2026-11-24', 'emoji 😀 и ң ө ү, ça va', 'yes'];
    setCell(rows, 'hotline-1899', 'questions', 'fr', (old) => [old, ...added].join('\n'));
    setCell(rows, 'hotline-1899', 'title', 'ky', '1899 линиясы: «кеңеш», ң ө ү 😀');
    setCell(rows, 'country.saved', 'text', 'ky', ' Эстеп калдым: {{country}}. ');
    const path = format === 'csv' ? writeCsv(root, rows) : await writeXlsx(root, rows);
    const result = await importSheet(root, path);
    expect(result.problems).toEqual([]);
    expect(result.changes).toHaveLength(3);

    const entry = parseYaml(read(file));
    expect(entry.questions.fr).toEqual([...original.questions.fr, ...added]);
    expect(entry.title.ky).toBe('1899 линиясы: «кеңеш», ң ө ү 😀');
    expect(read(file)).toContain('    - "111"\n    - "2026-11-24"\n');
    expect(JSON.parse(read(join(root, 'locales/ky/translation.json'))).country.saved).toBe(' Эстеп калдым: {{country}}. ');

    // And back: exporting the edited files and importing that unedited changes nothing.
    const after = snapshot(root);
    const again = await exportSheet(root, format);
    const sheet = join(root, `again.${format}`);
    writeFileSync(sheet, again.content!);
    expect((await importSheet(root, sheet)).changes).toEqual([]);
    expect(changedFiles(after, snapshot(root))).toEqual([]);
    const exported = await exportRows(root);
    expect(rowOf(exported, 'hotline-1899', 'questions')[LANG_COLUMN.fr]!.split('\n').slice(-added.length)).toEqual(added);
  });

  it('a dry run lists the change and writes nothing', async () => {
    const root = project();
    const before = snapshot(root);
    const rows = await exportRows(root);
    setCell(rows, 'hotline-111', 'short', 'fr', 'Ligne 111 (24/24)');
    const result = await importSheet(root, writeCsv(root, rows), { dryRun: true });
    expect(result.dryRun).toBe(true);
    expect(result.problems).toEqual([]);
    expect(result.changes.map((c) => [c.file, c.field, c.lang, c.before, c.after])).toEqual([
      ['knowledge/entries/hotline-111.yaml', 'short', 'fr', 'Ligne 111', 'Ligne 111 (24/24)'],
    ]);
    expect(result.written).toEqual([]);
    expect(changedFiles(before, snapshot(root))).toEqual([]);
  });

  it('reads a sheet saved with semicolons, CRLF line ends and no byte-order mark', async () => {
    const root = project();
    const before = snapshot(root);
    const rows = await exportRows(root);
    const crlf = rows.map((row) => row.map((cell) => cell.replace(/\n/g, '\r\n')));
    const path = join(root, 'excel.csv');
    writeFileSync(path, stringifyCsv(crlf, { delimiter: ';', record_delimiter: 'windows' }));
    const result = await importSheet(root, path);
    expect(result.problems).toEqual([]);
    expect(result.changes).toEqual([]);
    expect(changedFiles(before, snapshot(root))).toEqual([]);
  });

  describe('refuses an invalid sheet, says where, and writes nothing', () => {
    async function rejected(edit: (rows: Rows) => void) {
      const root = project();
      const before = snapshot(root);
      const rows = await exportRows(root);
      edit(rows);
      const result = await importSheet(root, writeCsv(root, rows));
      expect(result.written).toEqual([]);
      expect(changedFiles(before, snapshot(root))).toEqual([]);
      return result.problems.filter((p) => p.severity === 'error');
    }
    const rowNumber = (rows: Rows, id: string, field: string) => rows.indexOf(rowOf(rows, id, field)) + 1;

    it('an answer over 700 characters: row and column', async () => {
      let row = 0;
      const problems = await rejected((rows) => {
        setCell(rows, 'hotline-111', 'answer', 'fr', 'Trop long. '.repeat(70));
        row = rowNumber(rows, 'hotline-111', 'answer');
      });
      expect(problems).toEqual([
        { file: 'edits.csv', field: `row ${row} (hotline-111 answer), column fr (D)`, message: 'is longer than 700 characters (phone screen)', severity: 'error' },
      ]);
    });

    it('an empty title cell is an error, not a deletion', async () => {
      const problems = await rejected((rows) => setCell(rows, 'hotline-111', 'title', 'ky', ''));
      expect(problems).toHaveLength(1);
      expect(problems[0]!.field).toMatch(/\(hotline-111 title\), column ky \(F\)$/);
      expect(problems[0]!.message).toMatch(/^is empty/);
    });

    it('a title of spaces only, and a blank line among the questions', async () => {
      const problems = await rejected((rows) => {
        setCell(rows, 'hotline-111', 'title', 'fr', '   ');
        setCell(rows, 'hotline-111', 'questions', 'ru', (old) => `${old}\n\nещё вопрос`);
      });
      const questionsRu = rowOf(await exportRows(project()), 'hotline-111', 'questions')[LANG_COLUMN.ru]!.split('\n').length;
      expect(problems.map((p) => [p.field.replace(/^row \d+ /, ''), p.message])).toEqual([
        ['(hotline-111 title), column fr (D)', 'is empty'],
        [`(hotline-111 questions), column ru (E), line ${questionsRu + 1}`, 'is empty'],
      ]);
    });

    it('an unknown id, an unknown field and an unknown file', async () => {
      const problems = await rejected((rows) => {
        rows.push(['knowledge/entries/hotline-111.yaml', 'no-such-entry', 'title', 'a', 'b', 'c', '']);
        rows.push(['knowledge/entries/hotline-111.yaml', 'hotline-111', 'summary', 'a', 'b', 'c', '']);
        rows.push(['knowledge/nothing.yaml', 'x', 'title', 'a', 'b', 'c', '']);
      });
      const n = (await exportRows(project())).length;
      expect(problems.map((p) => [p.field, p.message])).toEqual([
        [`row ${n + 1} (no-such-entry title), column id (B)`, 'unknown id "no-such-entry" in knowledge/entries/hotline-111.yaml'],
        [`row ${n + 2} (hotline-111 summary), column field (C)`, 'unknown field "summary" (expected title, short, answer, questions)'],
        [`row ${n + 3} (x title), column file (A)`, 'unknown file "knowledge/nothing.yaml"'],
      ]);
    });

    it('a plural form filled in for a language that has none', async () => {
      const problems = await rejected((rows) => setCell(rows, 'clarify.intro_few', 'text', 'ky', 'бир нече {{count}}'));
      expect(problems).toHaveLength(1);
      expect(problems[0]!.field).toMatch(/column ky \(F\)$/);
      expect(problems[0]!.message).toMatch(/must stay empty/);
    });

    it('the same row twice', async () => {
      const problems = await rejected((rows) => {
        const copy = [...rowOf(rows, 'hotline-111', 'short')];
        copy[LANG_COLUMN.fr] = 'Ligne 111 bis';
        rows.push(copy);
      });
      expect(problems).toHaveLength(1);
      expect(problems[0]!.message).toMatch(/same file, id and field as row \d+/);
    });

    it('a rule across files: a sample question another entry already has, named by file, field and language', async () => {
      const root = project();
      // balaqorgau is read before hotline-111, so the copy in hotline-111 is the one reported.
      const taken = parseYaml(read(entryPath(root, 'balaqorgau'))).questions.fr[0];
      const problems = await rejected((rows) => setCell(rows, 'hotline-111', 'questions', 'fr', (old) => `${old}\n${taken}`));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ file: 'knowledge/entries/hotline-111.yaml', lang: 'fr' });
      expect(problems[0]!.field).toMatch(/^questions\.fr\[\d+\]$/);
      expect(problems[0]!.message).toContain('balaqorgau');
    });

    it('a reply over the length limit, named by file, field and language', async () => {
      const problems = await rejected((rows) => setCell(rows, 'emergency', 'text', 'ru', (old) => `${old}\n${'Очень длинно. '.repeat(40)}`));
      expect(problems).toEqual([
        { file: 'knowledge/replies.yaml', field: 'emergency.text.ru', lang: 'ru', message: 'is longer than 700 characters', severity: 'error' },
      ]);
    });

    it('a malformed CSV file and a header without its language column', async () => {
      const root = project();
      const before = snapshot(root);
      const broken = join(root, 'broken.csv');
      writeFileSync(broken, 'file,id,field,fr,ru,ky\nknowledge/entries/hotline-111.yaml,hotline-111,title,"unclosed,b,c\n');
      const malformed = await importSheet(root, broken);
      expect(malformed.problems).toHaveLength(1);
      expect(malformed.problems[0]).toMatchObject({ file: 'broken.csv', severity: 'error' });
      expect(malformed.problems[0]!.message).toMatch(/^is not valid CSV: .*quote/i);

      const rows = await exportRows(root);
      const noRu = rows.map((row) => row.filter((_, i) => i !== LANG_COLUMN.ru));
      const missing = await importSheet(root, writeCsv(root, noRu));
      expect(missing.problems.map((p) => [p.field, p.message])).toEqual([['row 1', 'column "ru" is missing (expected file, id, field, fr, ru, ky, note)']]);
      expect(changedFiles(before, snapshot(root))).toEqual([]);
    });

    it('xlsx: a number typed into a cell reads as typed, a date cell is refused', async () => {
      const root = project();
      const rows = await exportRows(root);
      const data = rows.map((row) => row.map((value) => ({ value, type: String })));
      const numberRow = rowOf(rows, 'country.KZ', 'text');
      const dateRow = rowOf(rows, 'country.KG', 'text');
      (data[rows.indexOf(numberRow)]![LANG_COLUMN.fr] as any) = { value: 1899, type: Number };
      (data[rows.indexOf(dateRow)]![LANG_COLUMN.ru] as any) = { value: new Date(Date.UTC(2026, 10, 24)), type: Date, format: 'yyyy-mm-dd' };
      const path = join(root, 'typed.xlsx');
      writeFileSync(path, await writeExcelFile(data as any).toBuffer());
      const result = await importSheet(root, path, { dryRun: true });
      expect(result.problems.map((p) => [p.field, p.message.split(':')[0]])).toEqual([
        [`row ${rows.indexOf(dateRow) + 1}, column E`, 'is a date in the spreadsheet'],
      ]);

      data[rows.indexOf(dateRow)]![LANG_COLUMN.ru] = { value: dateRow[LANG_COLUMN.ru]!, type: String };
      writeFileSync(path, await writeExcelFile(data as any).toBuffer());
      const typed = await importSheet(root, path);
      expect(typed.problems).toEqual([]);
      expect(typed.changes.map((c) => [c.file, c.id, c.after])).toEqual([['locales/fr/translation.json', 'country.KZ', '1899']]);
      expect(JSON.parse(read(join(root, 'locales/fr/translation.json'))).country.KZ).toBe('1899');
    });
  });

  it('the project still loads after an import', async () => {
    const root = project();
    const rows = await exportRows(root);
    setCell(rows, 'hotline-111', 'short', 'ky', '111 линия');
    expect((await importSheet(root, writeCsv(root, rows))).written).toHaveLength(1);
    const { kb, problems } = loadKnowledge(root);
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(kb?.entries.get('hotline-111')?.short.ky).toBe('111 линия');
  });
});

describe('writing values into file text', () => {
  it('refuses a YAML or JSON file it could not rewrite without reformatting', () => {
    expect(() => applyYamlEdits('a: [ x ]\nb: y\n', [{ path: ['b'], value: 'z' }])).toThrow(ApplyError);
    expect(() => applyYamlEdits('a: x\r\nb: y\r\n', [{ path: ['b'], value: 'z' }])).toThrow(/without reformatting/);
    expect(() => applyJsonEdits('{"a": "x"}\n', [{ path: ['a'], value: 'z' }])).toThrow(/without reformatting/);
  });

  it('keeps comments, quoting, flow lists and the JSON indentation and key order it finds', () => {
    const yaml = '# top\nid: x # id\nlist: [1, 2]\nq:\n  - "a"\n  - "b"\nt: plain\n';
    expect(applyYamlEdits(yaml, [{ path: ['q'], value: ['a', 'c', 'no'] }, { path: ['t'], value: '2026-11-24' }])).toBe(
      '# top\nid: x # id\nlist: [1, 2]\nq:\n  - "a"\n  - "c"\n  - "no"\nt: "2026-11-24"\n',
    );
    const json = '{\n    "b": {\n        "x": "1"\n    },\n    "a": "2"\n}';
    expect(applyJsonEdits(json, [{ path: ['b', 'x'], value: 'ü "1"' }])).toBe('{\n    "b": {\n        "x": "ü \\"1\\""\n    },\n    "a": "2"\n}');
  });

  it('shows a long change around what differs', () => {
    const before = `${'a'.repeat(50)}OLD${'b'.repeat(50)}`;
    const after = `${'a'.repeat(50)}NEW${'b'.repeat(50)}`;
    expect(shorten(before, after)).toEqual([`"…${'a'.repeat(20)}OLD${'b'.repeat(20)}…"`, `"…${'a'.repeat(20)}NEW${'b'.repeat(20)}…"`]);
    expect(shorten('x 😀', 'x 😃')).toEqual(['"x 😀"', '"x 😃"']);
  });
});
