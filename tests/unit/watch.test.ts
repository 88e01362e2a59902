import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadKnowledge, type KnowledgeBase, type LoadResult } from '../../src/kb/load.js';
import type { Problem } from '../../src/kb/problem.js';
import { watchKnowledge, type KnowledgeWatcher, type WatchOptions } from '../../src/kb/watch.js';
import { scratchProject } from '../helpers/kb.js';
import { eventually } from '../helpers/eventually.js';

type Yaml = Record<string, any>;
const ENTRY = 'knowledge/entries/hotline-111.yaml';

interface Watched {
  readonly watcher: KnowledgeWatcher;
  readonly reloads: KnowledgeBase[];
  readonly rejections: Problem[][];
  readonly errors: unknown[];
}

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const done of cleanup.splice(0)) done();
});

function scratch(): string {
  const root = scratchProject();
  cleanup.push(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

function watched(root: string, options: Partial<WatchOptions> = {}): Watched {
  const reloads: KnowledgeBase[] = [];
  const rejections: Problem[][] = [];
  const errors: unknown[] = [];
  const watcher = watchKnowledge({
    root,
    onReload: (kb) => reloads.push(kb),
    onRejected: (problems) => rejections.push([...problems]),
    onError: (err) => errors.push(err),
    ...options,
  });
  cleanup.push(() => watcher.close());
  return { watcher, reloads, rejections, errors };
}

/** Saves the way most editors do: a new file renamed over the old one. */
function saveByRename(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

function editEntry(root: string, edit: (entry: Yaml) => void, save: (path: string, text: string) => void = saveByRename): void {
  const path = join(root, ENTRY);
  const entry = parse(readFileSync(path, 'utf8')) as Yaml;
  edit(entry);
  save(path, stringify(entry));
}

const answerRu = (kb: KnowledgeBase | undefined) => kb?.entries.get('hotline-111')?.answer.ru;

describe('watching the knowledge folders', () => {
  it('reloads after a valid edit, every time an editor saves by rename, and after an in-place write', async () => {
    const root = scratch();
    const w = watched(root);
    for (const [i, save] of [saveByRename, saveByRename, saveByRename, writeFileSync].entries()) {
      editEntry(root, (e) => (e.answer.ru = `Новый ответ номер ${i}: линия 111 работает круглосуточно.`), save);
      const kb = await eventually(() => w.reloads.find((k) => answerRu(k)?.includes(`номер ${i}`)), 5000);
      expect(kb.entries.size).toBeGreaterThan(10);
    }
    expect(w.rejections).toEqual([]);
    expect(w.errors).toEqual([]);
  });

  it('rejects an invalid edit naming file, field and language, then reloads once it is fixed', async () => {
    const root = scratch();
    const path = join(root, ENTRY);
    const original = readFileSync(path, 'utf8');
    const w = watched(root);
    editEntry(root, (e) => (e.answer.ky = ''));
    const problems = await eventually(() => w.rejections[0], 5000);
    expect(problems).toContainEqual(expect.objectContaining({ file: ENTRY, field: 'answer.ky', lang: 'ky', severity: 'error', message: 'is empty' }));
    expect(w.reloads).toEqual([]);

    // Broken YAML: the file is named (no field or language can be).
    saveByRename(path, `${original}\nanswer: [unclosed\n`);
    const yaml = await eventually(() => w.rejections[1], 5000);
    expect(yaml).toContainEqual(expect.objectContaining({ file: ENTRY, field: '', severity: 'error', message: expect.stringMatching(/not valid YAML/) }));
    expect(w.reloads).toEqual([]);

    saveByRename(path, original);
    const fixed = await eventually(() => w.reloads[0], 5000);
    expect(fixed.entries.get('hotline-111')?.answer.ky).toContain('111');
    await w.watcher.idle();
    expect(w.reloads).toHaveLength(1);
    expect(w.rejections).toHaveLength(2);
  });

  it('names the language of a locale file that loses a key', async () => {
    const root = scratch();
    const w = watched(root);
    const path = join(root, 'locales/ky/translation.json');
    const ky = JSON.parse(readFileSync(path, 'utf8')) as Yaml;
    delete ky.web.placeholder;
    saveByRename(path, JSON.stringify(ky, null, 2));
    const problems = await eventually(() => w.rejections[0], 5000);
    expect(problems).toContainEqual(expect.objectContaining({ file: 'locales/ky/translation.json', field: 'web.placeholder', lang: 'ky', severity: 'error' }));
  });

  it('loads once for a burst of writes', async () => {
    const root = scratch();
    const w = watched(root, { debounceMs: 200 });
    // Eight saves 30 ms apart, to two files: each comes before the quiet time is over.
    for (let i = 0; i < 8; i++) {
      editEntry(root, (e) => (e.answer.ru = `Пакет правок, версия ${i}: линия 111.`), i % 2 === 0 ? saveByRename : writeFileSync);
      writeFileSync(join(root, 'intents/greeting.yaml'), readFileSync(join(root, 'intents/greeting.yaml')));
      await new Promise((r) => setTimeout(r, 30));
    }
    await eventually(() => w.reloads[0], 5000);
    await w.watcher.idle();
    expect(w.reloads).toHaveLength(1);
    expect(answerRu(w.reloads[0])).toContain('версия 7');
  });

  it('follows a load that was running when a change came with one more load, never overlapping', async () => {
    const root = scratch();
    let running = 0;
    let overlapped = false;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const load = async (dir: string): Promise<LoadResult> => {
      running += 1;
      overlapped ||= running > 1;
      const result = loadKnowledge(dir); // reads the files now, then takes its time
      await gate;
      running -= 1;
      return result;
    };
    const w = watched(root, { load, debounceMs: 50 });
    editEntry(root, (e) => (e.answer.ru = 'Первая правка: линия 111.'));
    await eventually(() => (running === 1 ? true : undefined), 5000);
    editEntry(root, (e) => (e.answer.ru = 'Вторая правка, во время загрузки: линия 111.'));
    // The second change must be noticed while the first load still waits.
    await new Promise((r) => setTimeout(r, 300));
    release();
    await eventually(() => w.reloads.find((k) => answerRu(k)?.includes('Вторая')), 5000);
    await w.watcher.idle();
    expect(w.reloads.map(answerRu)).toEqual(['Первая правка: линия 111.', 'Вторая правка, во время загрузки: линия 111.']);
    expect(overlapped).toBe(false);
  });

  it('watches a folder created after it started', async () => {
    const root = scratch();
    const w = watched(root, { debounceMs: 50 });
    const extra = join(root, 'knowledge/documents/extra');
    mkdirSync(extra);
    await eventually(() => w.reloads[0], 5000);
    await w.watcher.idle();
    // Only the new folder's own watch sees this.
    writeFileSync(join(extra, 'later.txt'), 'y');
    await eventually(() => w.reloads[1], 5000);
  });

  it('stops on close()', async () => {
    const root = scratch();
    const closed = watched(root, { debounceMs: 50 });
    // A second watcher that stays open proves the change was seen and its time has passed.
    const open = watched(root, { debounceMs: 300 });
    closed.watcher.close();
    editEntry(root, (e) => (e.answer.ru = 'После закрытия: линия 111.'));
    await eventually(() => open.reloads[0], 5000);
    await open.watcher.idle();
    expect(closed.reloads).toEqual([]);
    expect(closed.rejections).toEqual([]);
    await closed.watcher.idle(); // resolves at once once closed
  });
});
