import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/kb/load.js';
import { realEngine } from '../helpers/kb.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('interface strings', () => {
  const engine = realEngine();
  const keys = new Set<string>();
  for (const file of sourceFiles(join(PROJECT_ROOT, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bt\((?:[a-zA-Z.]+|'[a-z]+'), '([a-z_]+\.[a-z_.]+)'/g)) keys.add(m[1]!);
  }

  it('finds the keys the code uses', () => {
    expect(keys.size).toBeGreaterThan(15);
  });

  it('has every key the code uses in every language', () => {
    for (const key of keys) {
      for (const lang of ['fr', 'ru', 'ky'] as const) {
        const text = engine.t(lang, key, { count: 2, country: 'X', sources: 'S', date: 'D' });
        expect(text, `${lang}:${key}`).not.toBe(key);
      }
    }
  });

  it('applies Russian and Kyrgyz plural rules', () => {
    const ru = (n: number) => engine.t('ru', 'error.too_long', { count: n });
    expect(ru(1)).toContain('символ)');
    expect(ru(3)).toContain('символа)');
    expect(ru(5)).toContain('символов)');
    expect(ru(21)).toContain('символ)');
    expect(engine.t('ky', 'clarify.intro', { count: 1 })).not.toBe(engine.t('ky', 'clarify.intro', { count: 3 }));
  });
});
