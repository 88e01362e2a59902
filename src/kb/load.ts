/**
 * Loads the whole knowledge base (knowledge/, intents/, locales/) from a project folder and checks it.
 * Returns the problems found; a knowledge base is only returned when there is no error,
 * so a caller can keep serving the last good one.
 */
import { join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { LANGS, type Lang } from '../types.js';
import { parseSourceText, type SourceText } from './documents.js';
import { FileReader } from './files.js';
import type { Problem } from './problem.js';
import {
  entrySchema,
  glossarySchema,
  intentSchema,
  lexiconSchema,
  repliesFileSchema,
  sourcesFileSchema,
  topicsFileSchema,
  type Entry,
  type Intent,
  type Lexicon,
  type Replies,
  type SourceDoc,
  type Topic,
} from './schema.js';
import { validateKnowledge } from './validate.js';

export interface LoadedSource extends SourceDoc {
  readonly content: SourceText;
}

export type LocaleResources = Record<string, unknown>;

export interface KnowledgeBase {
  readonly root: string;
  readonly sources: ReadonlyMap<string, LoadedSource>;
  readonly topics: ReadonlyMap<string, Topic>;
  readonly entries: ReadonlyMap<string, Entry>;
  /** The file each entry came from, relative to the root, for messages. */
  readonly entryFiles: ReadonlyMap<string, string>;
  readonly intents: ReadonlyMap<string, Intent>;
  readonly replies: Replies;
  readonly lexicon: Lexicon;
  readonly locales: Record<Lang, LocaleResources>;
}

export interface LoadResult {
  readonly kb?: KnowledgeBase;
  readonly problems: readonly Problem[];
}

/** The project folder this code ships in: where knowledge/, intents/ and locales/ live by default. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const localeSchema = z.record(z.string(), z.unknown());

export function loadKnowledge(root: string = PROJECT_ROOT): LoadResult {
  const files = new FileReader(root);
  const knowledge = join(root, 'knowledge');

  const sources = new Map<string, LoadedSource>();
  for (const doc of files.read(join(knowledge, 'sources.yaml'), sourcesFileSchema) ?? []) {
    const raw = files.readText(join(knowledge, doc.file));
    if (raw !== undefined) sources.set(doc.id, { ...doc, content: parseSourceText(raw, doc.numbered) });
  }

  const topics = new Map<string, Topic>();
  for (const topic of files.read(join(knowledge, 'topics.yaml'), topicsFileSchema) ?? []) {
    topics.set(topic.id, topic);
  }

  const entries = new Map<string, Entry>();
  const entryFiles = new Map<string, string>();
  for (const path of files.yamlFiles(join(knowledge, 'entries'))) {
    const entry = files.read(path, entrySchema);
    if (!entry) continue;
    const stem = basename(path).replace(/\.ya?ml$/, '');
    if (entry.id !== stem) files.error(path, 'id', `is "${entry.id}" but the file is named ${stem}.yaml`);
    const earlier = entryFiles.get(entry.id);
    if (earlier) {
      files.error(path, 'id', `"${entry.id}" is already used by ${earlier}`);
      continue;
    }
    entries.set(entry.id, entry);
    entryFiles.set(entry.id, files.rel(path));
  }

  const intents = new Map<string, Intent>();
  for (const path of files.yamlFiles(join(root, 'intents'))) {
    const intent = files.read(path, intentSchema);
    if (!intent) continue;
    if (intents.has(intent.id)) files.error(path, 'id', `intent "${intent.id}" is defined twice`);
    intents.set(intent.id, intent);
  }

  const replies = files.read(join(knowledge, 'replies.yaml'), repliesFileSchema);
  const lexicon = files.read(join(knowledge, 'lexicon.yaml'), lexiconSchema);
  files.read(join(knowledge, 'glossary.yaml'), glossarySchema);

  const locales = {} as Record<Lang, LocaleResources>;
  for (const lang of LANGS) {
    locales[lang] = files.read(join(root, 'locales', lang, 'translation.json'), localeSchema, 'json') ?? {};
  }

  if (!replies || !lexicon) return { problems: files.problems };
  const kb: KnowledgeBase = { root, sources, topics, entries, entryFiles, intents, replies, lexicon, locales };
  validateKnowledge(kb, files);
  const hasError = files.problems.some((p) => p.severity === 'error');
  return hasError ? { problems: files.problems } : { kb, problems: files.problems };
}
