/** `jardam kb validate`: every rule checked, every problem with file, field and language. */
import { loadKnowledge } from '../kb/load.js';
import { formatProblem } from '../kb/problem.js';

export function runValidate(root: string | undefined, json: boolean): number {
  const { kb, problems } = loadKnowledge(root);
  const errors = problems.filter((p) => p.severity === 'error');
  if (json) {
    console.log(JSON.stringify({ ok: errors.length === 0, problems }, null, 2));
    return errors.length === 0 ? 0 : 1;
  }
  for (const p of problems) console.log(formatProblem(p));
  if (errors.length > 0) {
    console.log(`\n${errors.length} error(s), ${problems.length - errors.length} warning(s): the knowledge base is NOT valid.`);
    return 1;
  }
  const questions = [...kb!.entries.values()].reduce((n, e) => n + e.questions.fr.length + e.questions.ru.length + e.questions.ky.length, 0);
  console.log(
    `OK: ${kb!.entries.size} entries, ${questions} sample questions, ${kb!.intents.size} intents, ${kb!.sources.size} documents` +
      (problems.length > 0 ? `, ${problems.length} warning(s)` : ''),
  );
  return 0;
}
