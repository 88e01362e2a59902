/** Shared test fixtures: the real knowledge base, loaded once, and a scratch copy to break. */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKnowledge, PROJECT_ROOT, type KnowledgeBase } from '../../src/kb/load.js';
import { Engine } from '../../src/engine/engine.js';

let cached: Engine | undefined;

export function realKb(): KnowledgeBase {
  return realEngine().kb;
}

export function realEngine(): Engine {
  if (!cached) {
    const { kb, problems } = loadKnowledge(PROJECT_ROOT);
    if (!kb) throw new Error(`the project's knowledge base does not load:\n${problems.map((p) => JSON.stringify(p)).join('\n')}`);
    cached = new Engine(kb);
  }
  return cached;
}

/** A copy of knowledge/, intents/ and locales/ in a temporary folder, to edit in a test. */
export function scratchProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jardam-kb-'));
  for (const folder of ['knowledge', 'intents', 'locales']) cpSync(join(PROJECT_ROOT, folder), join(dir, folder), { recursive: true });
  return dir;
}
