/**
 * The knowledge base's user-facing texts as sheet rows: one row per text, one column per language.
 *
 * Values are read raw from the files with the yaml Document API (not through the schema, which
 * trims them), so a sheet that comes back unedited matches the files exactly. Each language's
 * value keeps where it lives (file and path) so an import can write it back in place.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { LANGS, type Lang } from '../../types.js';
import type { Problem } from '../problem.js';
import { entrySchema, LIMITS, repliesFileSchema, sourceDocSchema } from '../schema.js';
import { COLUMNS, UNREPRESENTABLE } from './table.js';

export type Path = readonly (string | number)[];

/** One language's value of a text: where it lives and what it is now. */
export interface Slot {
  /** The file holding it, relative to the project folder. */
  readonly file: string;
  readonly path: Path;
  readonly value: string | readonly string[];
  /**
   * A YAML block scalar (`|`) ends with a line break that belongs to the layout, not the text:
   * the cell shows the text without it and an import puts it back, so nobody has to keep an
   * invisible empty line in a spreadsheet cell.
   */
  readonly blockBreak: boolean;
}

/** One row of the sheet: a text of an entry, a reply, a document title or an interface string. */
export interface SheetField {
  /** As shown in the sheet; interface strings live in one file per language, hence `{lang}`. */
  readonly file: string;
  readonly id: string;
  readonly field: string;
  /** `lines`: a list, one item per line of the cell (sample questions). */
  readonly kind: 'text' | 'lines';
  readonly note: string;
  /** The rule one language's value must pass (the knowledge schema's own, so messages match `kb validate`). */
  readonly check: z.ZodType;
  /** No slot for a language: the key does not exist there (a plural form the language does not use). */
  readonly slots: Partial<Record<Lang, Slot>>;
}

export interface ReadFields {
  readonly fields: readonly SheetField[];
  /** The text of every file a field was read from, as read: an import edits exactly this text. */
  readonly texts: ReadonlyMap<string, string>;
  readonly problems: readonly Problem[];
}

export const LOCALE_FILE = 'locales/{lang}/translation.json';
export const localeFile = (lang: Lang) => LOCALE_FILE.replace('{lang}', lang);

const PLURAL_FORMS = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;
const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Entry fields in schema order, with the limits a translator must know. */
const ENTRY_FIELDS = [
  { field: 'title', kind: 'text', check: entrySchema.shape.title.shape.fr, note: `max ${LIMITS.titleChars} characters` },
  { field: 'short', kind: 'text', check: entrySchema.shape.short.shape.fr, note: `button label, max ${LIMITS.shortChars} characters` },
  { field: 'answer', kind: 'text', check: entrySchema.shape.answer.shape.fr, note: `max ${LIMITS.answerChars} characters` },
  {
    field: 'questions',
    kind: 'lines',
    check: entrySchema.shape.questions.shape.fr,
    note: `sample questions, one per line, at least ${LIMITS.minQuestionsPerLang}`,
  },
] as const;

/** Reads every translatable text of the project at `root`, in a stable order (files sorted, fields in schema order). */
export function readFields(root: string): ReadFields {
  const reader = new FieldReader(root);
  reader.entries();
  reader.replies();
  reader.sources();
  reader.locales();
  return { fields: reader.fields, texts: reader.texts, problems: reader.problems };
}

/** The text a cell shows for one language's value. */
export function cellOf(slot: Slot): string {
  if (typeof slot.value !== 'string') return slot.value.join('\n');
  return slot.blockBreak ? slot.value.slice(0, -1) : slot.value;
}

/** The value a cell stands for, in the shape the file holds (the inverse of cellOf). */
export function valueOf(field: SheetField, slot: Slot, cell: string): string | string[] {
  if (field.kind === 'lines') return cell === '' ? [] : cell.split('\n');
  return slot.blockBreak ? `${cell}\n` : cell;
}

/** The header and one row per field, ready for the CSV or xlsx writer. */
export function sheetRows(fields: readonly SheetField[]): string[][] {
  const rows: string[][] = [[...COLUMNS]];
  for (const f of fields) {
    const cells = LANGS.map((lang) => {
      const slot = f.slots[lang];
      return slot ? cellOf(slot) : '';
    });
    rows.push([f.file, f.id, f.field, ...cells, f.note]);
  }
  return rows;
}

/** A key naming a row, for lookups and duplicate checks. */
export function fieldKey(file: string, id: string, field: string): string {
  return JSON.stringify([file, id, field]);
}

class FieldReader {
  readonly fields: SheetField[] = [];
  readonly texts = new Map<string, string>();
  readonly problems: Problem[] = [];
  constructor(readonly root: string) {}

  entries(): void {
    const dir = join(this.root, 'knowledge/entries');
    if (!existsSync(dir)) return this.error('knowledge/entries', '', 'folder is missing');
    const names = readdirSync(dir)
      .filter((name) => /\.ya?ml$/.test(name))
      .sort();
    for (const name of names) {
      const file = `knowledge/entries/${name}`;
      const doc = this.yaml(file);
      if (!doc) continue;
      const id = doc.get('id');
      if (typeof id !== 'string') {
        this.error(file, 'id', 'is missing: the row of a text names its entry by id');
        continue;
      }
      for (const spec of ENTRY_FIELDS) {
        const slots = this.slots(doc, file, [spec.field], spec.kind);
        if (slots) this.fields.push({ file, id, field: spec.field, kind: spec.kind, note: spec.note, check: spec.check, slots });
      }
    }
  }

  replies(): void {
    const file = 'knowledge/replies.yaml';
    const doc = this.yaml(file);
    const data: unknown = doc?.toJS();
    if (!doc || typeof data !== 'object' || data === null) return;
    const check = repliesFileSchema.shape.emergency.shape.text.shape.fr;
    for (const id of Object.keys(data)) {
      const slots = this.slots(doc, file, [id, 'text'], 'text');
      if (slots) this.fields.push({ file, id, field: 'text', kind: 'text', note: `max ${LIMITS.answerChars} characters`, check, slots });
    }
  }

  /** Document titles appear in the source line under every answer that cites a document without a UN symbol. */
  sources(): void {
    const file = 'knowledge/sources.yaml';
    const doc = this.yaml(file);
    const data: unknown = doc?.toJS();
    if (!doc || !Array.isArray(data)) return;
    data.forEach((item: unknown, i) => {
      const id = (item as { id?: unknown } | null)?.id;
      if (typeof id !== 'string') return this.error(file, `[${i}].id`, 'is missing: the row of a title names its document by id');
      const slots = this.slots(doc, file, [i, 'title'], 'text');
      const note = 'document title, shown in the source line under answers';
      if (slots) this.fields.push({ file, id, field: 'title', kind: 'text', note, check: sourceDocSchema.shape.title.shape.fr, slots });
    });
  }

  /** Interface strings: one row per key, each i18next plural form its own row. */
  locales(): void {
    const byLang = new Map<Lang, Map<string, Slot>>();
    for (const lang of LANGS) {
      const file = localeFile(lang);
      const text = this.read(file);
      if (text === undefined) continue;
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (err) {
        this.error(file, '', `is not valid JSON: ${(err as Error).message}`);
        continue;
      }
      const strings = new Map<string, Slot>();
      this.flatten(file, data, [], strings);
      byLang.set(lang, strings);
    }
    for (const key of localeKeyOrder(byLang)) {
      const slots: Partial<Record<Lang, Slot>> = {};
      for (const lang of LANGS) {
        const slot = byLang.get(lang)?.get(key);
        if (slot) slots[lang] = slot;
      }
      this.fields.push({ file: LOCALE_FILE, id: key, field: 'text', kind: 'text', note: localeNote(key, slots), check: z.string(), slots });
    }
  }

  private flatten(file: string, value: unknown, path: string[], out: Map<string, Slot>): void {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) {
        // i18next reads a dot as nesting: such a key could not be named by a row.
        if (k.includes('.')) this.error(file, [...path, k].join('.'), 'a key with a dot cannot be named in the sheet');
        else this.flatten(file, v, [...path, k], out);
      }
    } else if (typeof value === 'string') {
      const key = path.join('.');
      if (this.representable(file, key, value)) out.set(key, { file, path, value, blockBreak: false });
    }
    // Numbers, booleans and lists are not text to translate: they stay out of the sheet.
  }

  private read(file: string): string | undefined {
    try {
      const text = readFileSync(join(this.root, file), 'utf8');
      this.texts.set(file, text);
      return text;
    } catch (err) {
      this.error(file, '', `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      return undefined;
    }
  }

  private yaml(file: string): Document | undefined {
    const text = this.read(file);
    if (text === undefined) return undefined;
    const doc = parseDocument(text);
    if (doc.errors.length > 0) {
      this.error(file, '', `is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
      return undefined;
    }
    return doc;
  }

  /** The three languages' slots of a per-language map at `path`, or undefined (with a problem) if one cannot be a cell. */
  private slots(doc: Document, file: string, path: Path, kind: SheetField['kind']): Partial<Record<Lang, Slot>> | undefined {
    const slots: Partial<Record<Lang, Slot>> = {};
    let ok = true;
    for (const lang of LANGS) {
      const at = [...path, lang];
      const slot = kind === 'text' ? this.textSlot(doc, file, at) : this.linesSlot(doc, file, at);
      if (slot) slots[lang] = slot;
      else ok = false;
    }
    return ok ? slots : undefined;
  }

  private textSlot(doc: Document, file: string, path: Path): Slot | undefined {
    const node = doc.getIn(path, true);
    const field = dotted(path);
    if (!isScalar(node) || typeof node.value !== 'string') {
      this.error(file, field, node === undefined ? 'is missing' : 'is not text', String(path.at(-1)));
      return undefined;
    }
    if (!this.representable(file, field, node.value)) return undefined;
    const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
    return { file, path, value: node.value, blockBreak: block && node.value.endsWith('\n') };
  }

  private linesSlot(doc: Document, file: string, path: Path): Slot | undefined {
    const node = doc.getIn(path, true);
    const field = dotted(path);
    const lang = String(path.at(-1));
    if (!isSeq(node)) {
      this.error(file, field, node === undefined ? 'is missing' : 'is not a list', lang);
      return undefined;
    }
    const items: string[] = [];
    for (const [i, item] of node.items.entries()) {
      if (!isScalar(item) || typeof item.value !== 'string') {
        this.error(file, `${field}[${i}]`, 'is not text', lang);
        return undefined;
      }
      if (item.value.includes('\n')) {
        this.error(file, `${field}[${i}]`, 'contains a line break: it cannot be one line of a cell', lang);
        return undefined;
      }
      if (!this.representable(file, `${field}[${i}]`, item.value)) return undefined;
      items.push(item.value);
    }
    if (items.length === 1 && items[0] === '') {
      // The cell would be empty, which reads back as no questions at all.
      this.error(file, field, 'a list of one empty question cannot be told apart from an empty list', lang);
      return undefined;
    }
    return { file, path, value: items, blockBreak: false };
  }

  private representable(file: string, field: string, value: string): boolean {
    if (!UNREPRESENTABLE.test(value)) return true;
    this.error(file, field, 'contains a carriage return or control character that a spreadsheet cell would not keep');
    return false;
  }

  error(file: string, field: string, message: string, lang?: string): void {
    this.problems.push({ file, field, message, severity: 'error', ...(lang ? { lang } : {}) });
  }
}

function dotted(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${p}`)).join('');
}

/**
 * One order for the keys of all three locale files: keys in the order the files list them, each
 * plural form next to its siblings (Russian has `_few`, French `_many`, Kyrgyz neither).
 */
function localeKeyOrder(byLang: ReadonlyMap<Lang, ReadonlyMap<string, Slot>>): string[] {
  const stems: string[] = [];
  const keysOfStem = new Map<string, Set<string>>();
  for (const lang of LANGS) {
    for (const key of byLang.get(lang)?.keys() ?? []) {
      const stem = key.replace(PLURAL, '');
      if (!keysOfStem.has(stem)) {
        stems.push(stem);
        keysOfStem.set(stem, new Set());
      }
      keysOfStem.get(stem)!.add(key);
    }
  }
  const rank = (key: string) => {
    const form = PLURAL.exec(key)?.[1];
    return form === undefined ? -1 : PLURAL_FORMS.indexOf(form as (typeof PLURAL_FORMS)[number]);
  };
  return stems.flatMap((stem) => [...keysOfStem.get(stem)!].sort((a, b) => rank(a) - rank(b)));
}

function localeNote(key: string, slots: Partial<Record<Lang, Slot>>): string {
  const notes: string[] = [];
  const form = PLURAL.exec(key)?.[1];
  if (form) {
    const absent = LANGS.filter((lang) => !slots[lang]);
    notes.push(`plural form "${form}"${absent.length > 0 ? `; not used in ${absent.join(', ')}: leave empty` : ''}`);
  }
  const placeholders = new Set(
    Object.values(slots).flatMap((slot) => (typeof slot.value === 'string' ? (slot.value.match(/\{\{[^}]+\}\}/g) ?? []) : [])),
  );
  if (placeholders.size > 0) notes.push(`keep ${[...placeholders].join(' ')} as is`);
  return notes.join('; ');
}
