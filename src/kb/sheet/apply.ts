/**
 * Writes new values into the text of a knowledge file and leaves every other byte alone.
 *
 * YAML goes through the yaml Document API, which keeps comments, key order, quoting and block
 * styles: only the edited nodes are rendered anew. That holds as long as rendering the untouched
 * document gives back the file exactly, so that is checked first; a file laid out in a way the
 * writer would change is refused rather than reformatted. JSON is written the way the locale
 * files are laid out (indentation as found, keys in order), under the same check.
 */
import { isDeepStrictEqual } from 'node:util';
import { isScalar, isSeq, parse, parseDocument, Scalar, type Document } from 'yaml';
import type { Path } from './rows.js';

export interface Edit {
  readonly path: Path;
  readonly value: string | readonly string[];
}

/** An edit that cannot be made without changing more than the edited value. */
export class ApplyError extends Error {}

/** How the knowledge files are laid out: no line folding, `[a, b]` flow lists. */
const YAML_LAYOUT = { lineWidth: 0, flowCollectionPadding: false } as const;

export function applyYamlEdits(text: string, edits: readonly Edit[]): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new ApplyError(`is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  const untouched = doc.toString(YAML_LAYOUT);
  if (untouched !== text) throw new ApplyError(`cannot be edited without reformatting it (${firstDifference(text, untouched)})`);

  const expected: unknown = parse(text);
  for (const edit of edits) {
    setNode(doc, edit);
    setIn(expected, edit.path, edit.value);
  }
  const out = doc.toString(YAML_LAYOUT);
  // The written file must read back as the old data with exactly the edited values replaced.
  if (!isDeepStrictEqual(parse(out), expected)) throw new ApplyError('the edited file would not read back as intended');
  return out;
}

export function applyJsonEdits(text: string, edits: readonly Edit[]): string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ApplyError(`is not valid JSON: ${(err as Error).message}`);
  }
  const indent = /^\{\r?\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
  const render = (value: unknown) => JSON.stringify(value, null, indent) + (text.endsWith('\n') ? '\n' : '');
  const untouched = render(data);
  if (untouched !== text) throw new ApplyError(`cannot be edited without reformatting it (${firstDifference(text, untouched)})`);
  for (const edit of edits) {
    if (typeof getIn(data, edit.path) !== 'string') throw new ApplyError(`${edit.path.join('.')} is not a text to replace`);
    setIn(data, edit.path, edit.value);
  }
  return render(data);
}

/** Replaces a scalar's value, or a list's items, keeping each node and so its style and comments. */
function setNode(doc: Document, { path, value }: Edit): void {
  const node = doc.getIn(path, true);
  if (typeof value === 'string') {
    if (!isScalar(node)) throw new ApplyError(`${path.join('.')} is not a text to replace`);
    node.value = value;
    quoteIfAmbiguous(node);
    return;
  }
  if (!isSeq(node)) throw new ApplyError(`${path.join('.')} is not a list to replace`);
  const template = node.items.at(-1);
  const style = isScalar(template) ? template.type : undefined;
  value.forEach((item, i) => {
    const existing = node.items[i];
    if (isScalar(existing)) {
      if (existing.value === item) return;
      existing.value = item;
      quoteIfAmbiguous(existing);
    } else {
      // A new item is written like the list's last one (quoted if the others are).
      const scalar = new Scalar(item);
      if (style) scalar.type = style;
      quoteIfAmbiguous(scalar);
      node.items[i] = scalar;
    }
  });
  node.items.length = value.length;
}

/**
 * The yaml writer already quotes what YAML 1.2 would not read as text ("1899", "true"). A YAML 1.1
 * reader (PyYAML, older tools) would still take a plain 2026-11-24 for a date or `no` for false,
 * so an edited plain value is quoted whenever YAML 1.1 would not read it back as the same text.
 */
function quoteIfAmbiguous(node: Scalar): void {
  const text = node.value;
  if ((node.type !== undefined && node.type !== Scalar.PLAIN) || typeof text !== 'string' || text.includes('\n')) return;
  let read: unknown;
  try {
    read = parse(text, { version: '1.1' });
  } catch {
    read = undefined;
  }
  if (read !== text) node.type = Scalar.QUOTE_DOUBLE;
}

function getIn(data: unknown, path: Path): unknown {
  return path.reduce<unknown>((at, key) => (typeof at === 'object' && at !== null ? (at as Record<string | number, unknown>)[key] : undefined), data);
}

function setIn(data: unknown, path: Path, value: string | readonly string[]): void {
  const parent = getIn(data, path.slice(0, -1));
  if (typeof parent !== 'object' || parent === null) throw new ApplyError(`${path.join('.')} does not exist`);
  (parent as Record<string | number, unknown>)[path.at(-1)!] = typeof value === 'string' ? value : [...value];
}

function firstDifference(a: string, b: string): string {
  const linesA = a.split('\n');
  const linesB = b.split('\n');
  const i = linesA.findIndex((line, n) => line !== linesB[n]);
  const line = i === -1 ? linesA.length : i + 1;
  return `line ${line} would become ${JSON.stringify(linesB[line - 1] ?? '')}`;
}
