/** Loads the knowledge base for a command, or explains why it cannot. */
import { loadKnowledge, PROJECT_ROOT } from '../kb/load.js';
import { formatProblem } from '../kb/problem.js';
import { Engine } from '../engine/engine.js';

export function loadEngineOrExplain(root: string = PROJECT_ROOT): Engine | undefined {
  const { kb, problems } = loadKnowledge(root);
  if (!kb) {
    console.error('The knowledge base has errors; run `jardam kb validate` for the full list:');
    for (const p of problems.filter((p) => p.severity === 'error').slice(0, 10)) console.error(`  ${formatProblem(p)}`);
    return undefined;
  }
  return new Engine(kb);
}
