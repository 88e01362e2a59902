/** Reading the knowledge files: YAML and JSON parse errors become problems, never exceptions. */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { isLang } from '../types.js';
import type { Problem } from './problem.js';

export class FileReader {
  readonly problems: Problem[] = [];
  constructor(readonly root: string) {}

  /** Paths in messages are relative to the project folder; relative paths are already so. */
  rel(path: string): string {
    return isAbsolute(path) ? relative(this.root, path) || path : path;
  }

  error(file: string, field: string, message: string, lang?: string): void {
    this.problems.push({ file: this.rel(file), field, message, severity: 'error', ...(lang ? { lang } : {}) });
  }

  warn(file: string, field: string, message: string, lang?: string): void {
    this.problems.push({ file: this.rel(file), field, message, severity: 'warning', ...(lang ? { lang } : {}) });
  }

  /** Lists `*.yaml`/`*.yml` files of a folder, sorted so results do not depend on the file system. */
  yamlFiles(dir: string): string[] {
    if (!existsSync(dir)) {
      this.error(dir, '', 'folder is missing');
      return [];
    }
    return readdirSync(dir)
      .filter((name) => /\.ya?ml$/.test(name))
      .sort()
      .map((name) => join(dir, name));
  }

  readText(path: string): string | undefined {
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      this.error(path, '', `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      return undefined;
    }
  }

  /** Reads, parses and validates one file; every schema issue is reported with its field and language. */
  read<S extends z.ZodType>(path: string, schema: S, format: 'yaml' | 'json' = 'yaml'): z.infer<S> | undefined {
    const raw = this.readText(path);
    if (raw === undefined) return undefined;
    let data: unknown;
    try {
      data = format === 'yaml' ? parseYaml(raw) : JSON.parse(raw);
    } catch (err) {
      this.error(path, '', `is not valid ${format.toUpperCase()}: ${(err as Error).message.split('\n')[0]}`);
      return undefined;
    }
    const result = schema.safeParse(data);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      const lang = issue.path.find(isLang);
      this.error(path, formatPath(issue.path), issue.message, lang);
    }
    return undefined;
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i > 0 ? '.' : ''}${String(part)}`))
    .join('');
}
