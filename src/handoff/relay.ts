/**
 * Relay mode: a caseworker asks in one language and gets the answer in another, ready to
 * forward to a family. The text is the answer as families read it (title, answer, source line
 * with its reviewed date) and nothing of the bot's chrome: no buttons, no numbered options.
 */
import type { Engine } from '../engine/engine.js';
import type { Lang, UserCountry } from '../types.js';

export interface Relayed {
  /** True when there is an answer to forward; otherwise `text` explains, in the caseworker's language. */
  readonly found: boolean;
  readonly text: string;
  readonly entry?: string;
}

export function relay(engine: Engine, question: string, lang: Lang, staffLang: Lang, country?: UserCountry): Relayed {
  const reply = engine.answerIn(question, lang, country);
  if (reply.kind === 'answer' || reply.kind === 'emergency') return { found: true, text: reply.text, ...(reply.entry ? { entry: reply.entry } : {}) };
  const topics = reply.options.filter((o) => o.entry).map((o) => engine.kb.entries.get(o.entry!)!.title[staffLang]);
  if (reply.kind === 'clarify' && topics.length > 0) return { found: false, text: engine.t(staffLang, 'caseworker.relay_unsure', { topics: topics.join(' · ') }) };
  return { found: false, text: engine.t(staffLang, 'caseworker.relay_none') };
}
