/**
 * Asks the engine every sample question of the knowledge base: each should lead to its own
 * entry (or a country variant of it), never to an emergency, and never to a "the documents do
 * not say" reply for a detail the entry itself gives.
 */
import { LANGS } from '../types.js';
import type { Engine } from '../engine/engine.js';
import type { Entry } from '../kb/schema.js';
import type { Problem } from '../kb/problem.js';

export function sampleQuestionProblems(engine: Engine): Problem[] {
  const { entries, entryFiles } = engine.kb;
  const sameQuestion = (entry: Entry, id: string | undefined) =>
    id === entry.id || (entry.group !== undefined && entries.get(id ?? '')?.group === entry.group);
  const problems: Problem[] = [];
  for (const entry of entries.values()) {
    const file = entryFiles.get(entry.id) ?? entry.id;
    for (const lang of LANGS) {
      entry.questions[lang].forEach((question, i) => {
        const { reply } = engine.turn({ text: question }, { lang });
        const first = reply.entry ?? reply.options[0]?.entry;
        let message: string | undefined;
        if (reply.kind === 'emergency') message = 'is read as an emergency';
        else if (!sameQuestion(entry, first)) message = `leads to ${first ?? reply.intent ?? reply.kind} (${reply.kind})`;
        else if (reply.detail) message = `asks for a detail the entry does not list in details (${reply.detail})`;
        if (message) problems.push({ file, field: `questions.${lang}[${i}]`, lang, message: `"${question}" ${message}`, severity: 'warning' });
      });
    }
  }
  return problems;
}
