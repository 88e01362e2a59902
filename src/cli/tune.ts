/** `jardam tune`: grid search of the decision weights on the development set. */
import { join } from 'node:path';
import { loadKnowledge, PROJECT_ROOT } from '../kb/load.js';
import { readEvalSet } from '../eval/score.js';
import { tune } from '../eval/tune.js';
import { parseCommon } from './options.js';

export function runTune(args: string[]): number {
  const { options, positionals } = parseCommon(args);
  const root = options.root ?? PROJECT_ROOT;
  const { kb } = loadKnowledge(root);
  if (!kb) {
    console.error('The knowledge base has errors; run `jardam kb validate`.');
    return 1;
  }
  const result = tune(kb, readEvalSet(positionals[0] ?? join(root, 'tests/eval/dev.jsonl')));
  console.log(`tried ${result.tried} calibrations; best lowest top-1 ${result.minTop1.toFixed(3)}, out-of-scope ${result.outOfScope.toFixed(3)}`);
  console.log(JSON.stringify(result.calibration, null, 2));
  return 0;
}
