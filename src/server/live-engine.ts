/**
 * The engine the server answers with, kept up to date with the knowledge files. A valid change
 * swaps in a new engine (a message already being answered finishes on the old one, the next
 * message gets the new one); an invalid change is logged problem by problem and the last good
 * engine keeps serving. Each instance watches its own files: nothing is shared between instances.
 */
import type { Logger } from 'pino';
import { Engine } from '../engine/engine.js';
import type { Calibration } from '../engine/decide.js';
import { loadKnowledge, type KnowledgeBase } from '../kb/load.js';
import { formatProblem, type Problem } from '../kb/problem.js';
import { isLang } from '../types.js';
import { watchKnowledge, type KnowledgeWatcher, type ReloadInfo } from '../kb/watch.js';

export interface LiveEngineOptions {
  /** Project folder with knowledge/, intents/ and locales/. */
  readonly root: string;
  readonly log: Logger;
  /** Decision weights for every engine built; the tuned ones by default. */
  readonly calibration?: Calibration;
  /** Watch the folders and reload on change (otherwise the first engine serves until the end). */
  readonly watch?: boolean;
  readonly debounceMs?: number;
}

export interface Rejection {
  readonly at: number;
  /** The errors that stopped the change (file, field, language, message). */
  readonly problems: readonly Problem[];
  /** Files changed since the last load, when the system names them. */
  readonly changed: readonly string[];
}

export interface Reloaded {
  readonly at: number;
  readonly version: number;
  readonly entries: number;
  readonly changed: readonly string[];
  /** Loading, checking and building the engine, in milliseconds. */
  readonly ms: number;
}

export interface KnowledgeStatus {
  /** 1 at start, one more for every knowledge base swapped in. */
  readonly version: number;
  /** When the serving knowledge base was loaded (ms since the epoch). */
  readonly loadedAt: number;
  readonly entries: number;
  readonly watching: boolean;
  /** The files on disk were rejected after the serving version was loaded: what is served is the last good one. */
  readonly stale: boolean;
  readonly lastRejection?: Rejection;
}

/** A whole locale file that does not parse still names its language (locales/<lang>/…). */
function withLanguage(p: Problem): Problem {
  if (p.lang) return p;
  const lang = /^locales\/([^/]+)\//.exec(p.file)?.[1];
  return lang && isLang(lang) ? { ...p, lang } : p;
}

/** The knowledge base does not load at all: there is nothing to serve. */
export class KnowledgeBaseError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(`the knowledge base has errors:\n${problems.filter((p) => p.severity === 'error').map(formatProblem).join('\n')}`);
  }
}

export class LiveEngine {
  #current: Engine;
  #version = 1;
  #loadedAt = Date.now();
  #lastRejection: Rejection | undefined;
  readonly #watcher: KnowledgeWatcher | undefined;
  readonly #reloaded = new Set<(event: Reloaded) => void>();
  readonly #rejected = new Set<(event: Rejection) => void>();

  /** Loads and builds the first engine; throws `KnowledgeBaseError` if the knowledge base has errors. */
  constructor(private readonly options: LiveEngineOptions) {
    const { root, log } = options;
    // Watching starts before the first load, so a change made while it runs is not missed.
    this.#watcher = options.watch
      ? watchKnowledge({
          root,
          ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}),
          onReload: (kb, problems, info) => this.#swap(kb, problems, info),
          onRejected: (problems, info) => this.#reject(problems, info),
          onError: (err) => log.error({ err }, 'knowledge watcher failed'),
        })
      : undefined;
    const { kb, problems } = loadKnowledge(root);
    if (!kb) {
      this.#watcher?.close();
      throw new KnowledgeBaseError(problems);
    }
    try {
      this.#current = new Engine(kb, options.calibration);
    } catch (err) {
      this.#watcher?.close();
      throw err;
    }
  }

  /** The engine to answer the next message with. */
  engine(): Engine {
    return this.#current;
  }

  status(): KnowledgeStatus {
    const rejection = this.#lastRejection;
    return {
      version: this.#version,
      loadedAt: this.#loadedAt,
      entries: this.#current.kb.entries.size,
      watching: this.#watcher !== undefined,
      stale: rejection !== undefined && rejection.at >= this.#loadedAt,
      ...(rejection ? { lastRejection: rejection } : {}),
    };
  }

  /** Called after each knowledge base swapped in. Returns a function that unsubscribes. */
  onReloaded(listener: (event: Reloaded) => void): () => void {
    this.#reloaded.add(listener);
    return () => this.#reloaded.delete(listener);
  }

  /** Called after each change rejected (to tell the administrators). Returns a function that unsubscribes. */
  onRejected(listener: (event: Rejection) => void): () => void {
    this.#rejected.add(listener);
    return () => this.#rejected.delete(listener);
  }

  /** Resolves once no reload is waiting or running. */
  idle(): Promise<void> {
    return this.#watcher?.idle() ?? Promise.resolve();
  }

  close(): void {
    this.#watcher?.close();
    this.#reloaded.clear();
    this.#rejected.clear();
  }

  #swap(kb: KnowledgeBase, problems: readonly Problem[], info: ReloadInfo): void {
    const started = performance.now();
    let engine: Engine;
    try {
      engine = new Engine(kb, this.options.calibration);
    } catch (err) {
      // Valid files the engine cannot use (a bug, not an editing mistake): keep serving, say why.
      this.options.log.error({ err }, 'knowledge reload: engine build failed');
      this.#reject([{ file: '', field: '', message: `the engine could not be built: ${(err as Error).message}`, severity: 'error' }], info);
      return;
    }
    this.#current = engine;
    this.#version += 1;
    this.#loadedAt = Date.now();
    const event: Reloaded = {
      at: this.#loadedAt,
      version: this.#version,
      entries: kb.entries.size,
      changed: info.changed,
      ms: info.ms + Math.round(performance.now() - started),
    };
    const warnings = problems.filter((p) => p.severity === 'warning').length;
    this.options.log.info(
      { version: event.version, entries: event.entries, intents: kb.intents.size, sources: kb.sources.size, warnings, changed: event.changed, ms: event.ms },
      'knowledge reloaded',
    );
    this.#emit(this.#reloaded, event);
  }

  #reject(problems: readonly Problem[], info: ReloadInfo): void {
    const errors = problems.filter((p) => p.severity === 'error').map(withLanguage);
    const event: Rejection = { at: Date.now(), problems: errors, changed: info.changed };
    this.#lastRejection = event;
    const { log } = this.options;
    for (const p of errors) log.error({ file: p.file, field: p.field, lang: p.lang, problem: p.message }, 'knowledge change rejected');
    log.warn({ errors: errors.length, changed: info.changed, version: this.#version }, 'knowledge change rejected: still serving the last good version');
    this.#emit(this.#rejected, event);
  }

  #emit<E>(listeners: ReadonlySet<(event: E) => void>, event: E): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (err) {
        this.options.log.error({ err }, 'knowledge listener failed');
      }
    }
  }
}
