/**
 * Watches knowledge/, intents/ and locales/ and loads the knowledge base again after a change.
 * A burst of writes (an editor saving, a `git pull`) gives one load; a change arriving while a
 * load runs is followed by one more load, never by two overlapping ones. A valid load is handed
 * over, an invalid one only reports its problems: swapping is the caller's business.
 *
 * Every directory is watched on its own (non-recursive fs.watch). Node 20's `recursive: true` on
 * Linux watches each file's inode and loses a file once an editor has saved it by rename (the
 * second save goes unseen); a directory's watch sees its children however they are replaced.
 * Watchers and timers do not keep the process alive: the server's sockets do.
 */
import { watch, readdirSync, statSync, type FSWatcher } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { loadKnowledge, type KnowledgeBase, type LoadResult } from './load.js';
import type { Problem } from './problem.js';

/** The folders a knowledge base is read from, relative to the project folder. */
export const WATCHED_FOLDERS = ['knowledge', 'intents', 'locales'] as const;

export interface ReloadInfo {
  /** Files changed since the previous load (relative to the root; may be incomplete when the system does not name them). */
  readonly changed: readonly string[];
  /** How long loading and checking took, in milliseconds. */
  readonly ms: number;
}

export interface WatchOptions {
  readonly root: string;
  /** A valid knowledge base was loaded; `problems` holds its warnings. */
  readonly onReload: (kb: KnowledgeBase, problems: readonly Problem[], info: ReloadInfo) => void;
  /** The files on disk have errors: nothing to swap. `problems` holds errors and warnings. */
  readonly onRejected: (problems: readonly Problem[], info: ReloadInfo) => void;
  /** A watcher failed or a callback threw; watching goes on. */
  readonly onError?: (err: unknown) => void;
  /** Quiet time after the last change before loading. */
  readonly debounceMs?: number;
  /** Longest wait after the first change of a burst, so a never-ending burst still loads. */
  readonly maxWaitMs?: number;
  /** How to load (tests); `loadKnowledge` by default. */
  readonly load?: (root: string) => LoadResult | Promise<LoadResult>;
}

export interface KnowledgeWatcher {
  /** Stops watching; a pending load is cancelled, a running one is not reported. */
  close(): void;
  /** Resolves once no load is waiting or running. */
  idle(): Promise<void>;
}

export const DEFAULT_DEBOUNCE_MS = 250;

/** Editor scratch files: swap files, backups, lock files, vim's write test. */
function isScratch(name: string): boolean {
  return /^\.#|~$|\.sw[a-p]$|^4913$|\.tmp$/.test(name);
}

export function watchKnowledge(options: WatchOptions): KnowledgeWatcher {
  const { root } = options;
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const maxWaitMs = options.maxWaitMs ?? Math.max(debounceMs * 8, 2000);
  const load = options.load ?? loadKnowledge;
  const report = (err: unknown) => options.onError?.(err);

  /** Directory → its watcher and identity (a folder replaced under the same name needs a new watch). */
  const watched = new Map<string, { watcher: FSWatcher; id: string }>();
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let burstStart = 0;
  let running = false;
  let again = false;
  let changed = new Set<string>();
  const idleWaiters: (() => void)[] = [];

  function changedAt(path: string | undefined): void {
    if (closed) return;
    if (path !== undefined) {
      if (isScratch(basename(path))) return;
      changed.add(relative(root, path));
    }
    if (running) {
      again = true;
      return;
    }
    schedule();
  }

  function schedule(): void {
    const now = Date.now();
    if (timer === undefined) burstStart = now;
    else clearTimeout(timer);
    const wait = Math.max(0, Math.min(debounceMs, burstStart + maxWaitMs - now));
    timer = setTimeout(() => void run(), wait).unref();
  }

  async function run(): Promise<void> {
    timer = undefined;
    running = true;
    const info = { changed: [...changed].sort(), ms: 0 };
    changed = new Set();
    try {
      // Watch new folders before reading, so a change made during the load is seen.
      syncWatchers();
      const started = performance.now();
      const result = await load(root);
      info.ms = Math.round(performance.now() - started);
      if (closed) return;
      const valid = result.kb !== undefined && !result.problems.some((p) => p.severity === 'error');
      if (valid) options.onReload(result.kb!, result.problems, info);
      else options.onRejected(result.problems, info);
    } catch (err) {
      report(err);
    } finally {
      running = false;
      if (again && !closed) {
        again = false;
        schedule();
      } else if (timer === undefined) {
        for (const resolve of idleWaiters.splice(0)) resolve();
      }
    }
  }

  function watchDir(dir: string, id: string): void {
    try {
      const watcher = watch(dir, { persistent: false }, (_event, name) => changedAt(name ? join(dir, name.toString()) : undefined));
      watcher.on('error', (err) => {
        report(err);
        watcher.close();
        if (watched.get(dir)?.watcher === watcher) watched.delete(dir);
        changedAt(undefined);
      });
      watched.set(dir, { watcher, id });
    } catch (err) {
      // Gone between listing and watching: the next sync settles it.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') report(err);
    }
  }

  /** Watches every directory under the watched folders (and the root, for folders replaced whole); drops vanished ones. */
  function syncWatchers(): void {
    if (closed) return;
    const present = new Map<string, string>();
    const walk = (dir: string, depth: number) => {
      let id: string;
      try {
        const stat = statSync(dir);
        if (!stat.isDirectory()) return;
        id = `${stat.dev}:${stat.ino}`;
      } catch {
        return;
      }
      present.set(dir, id);
      if (depth > 8) return;
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        return;
      }
      for (const name of names) if (!isScratch(name)) walk(join(dir, name), depth + 1);
    };
    for (const folder of WATCHED_FOLDERS) walk(join(root, folder), 0);
    for (const [dir, { watcher, id }] of watched) {
      if (dir !== root && present.get(dir) !== id) {
        watcher.close();
        watched.delete(dir);
      }
    }
    for (const [dir, id] of present) if (!watched.has(dir)) watchDir(dir, id);
  }

  // The root itself: only its three folders matter (a folder deleted, replaced or created anew).
  try {
    const rootWatcher = watch(root, { persistent: false }, (_event, name) => {
      if (name && (WATCHED_FOLDERS as readonly string[]).includes(name.toString())) changedAt(join(root, name.toString()));
    });
    rootWatcher.on('error', report);
    watched.set(root, { watcher: rootWatcher, id: 'root' });
  } catch (err) {
    report(err);
  }
  syncWatchers();

  return {
    close() {
      if (closed) return;
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      for (const { watcher } of watched.values()) watcher.close();
      watched.clear();
      for (const resolve of idleWaiters.splice(0)) resolve();
    },
    idle() {
      if (closed || (!running && timer === undefined)) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
