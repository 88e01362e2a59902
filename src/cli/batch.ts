/**
 * `jardam batch`: JSON lines in, one JSON line out per input line, in order. Each line is a new
 * conversation; a bad line gets an error object and the batch goes on.
 */
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { Engine } from '../engine/engine.js';
import type { Reply } from '../engine/types.js';
import type { Lang, UserCountry } from '../types.js';
import { countryOption, langOption } from './options.js';

export const batchInputSchema = z
  .object({
    id: z.string(),
    text: z.string(),
    lang: langOption.optional(),
    country: countryOption.optional(),
  })
  .strict();

export interface BatchOutput {
  id: string;
  kind: Reply['kind'];
  intent?: string;
  entry?: string;
  topics: readonly string[];
  options?: { entry: string; topics: readonly string[]; title: string }[];
  lang: Lang;
  confidence: number;
  text: string;
}

export function toBatchOutput(id: string, reply: Reply): BatchOutput {
  const entryOptions = reply.options.filter((o) => o.entry !== undefined);
  return {
    id,
    kind: reply.kind,
    ...(reply.intent ? { intent: reply.intent } : {}),
    ...(reply.entry ? { entry: reply.entry } : {}),
    topics: reply.topics,
    ...(entryOptions.length > 0
      ? { options: entryOptions.map((o) => ({ entry: o.entry!, topics: o.topics ?? [], title: o.label })) }
      : {}),
    lang: reply.lang,
    confidence: Math.round(reply.confidence * 1000) / 1000,
    text: reply.text,
  };
}

export function answerLine(
  engine: Engine,
  line: string,
  defaults: { lang?: Lang; country?: UserCountry },
): BatchOutput | { id: string | null; error: string } {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch (err) {
    return { id: null, error: `not valid JSON: ${(err as Error).message}` };
  }
  const parsed = batchInputSchema.safeParse(data);
  if (!parsed.success) {
    const id = typeof (data as { id?: unknown })?.id === 'string' ? (data as { id: string }).id : null;
    return { id, error: parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ') };
  }
  const input = parsed.data;
  const lang = input.lang ?? defaults.lang;
  const country = input.country ?? defaults.country;
  const { reply } = engine.turn({ text: input.text }, { ...(lang ? { lang } : {}), ...(country ? { country } : {}) });
  return toBatchOutput(input.id, reply);
}

export async function runBatch(engine: Engine, defaults: { lang?: Lang; country?: UserCountry }): Promise<number> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    process.stdout.write(`${JSON.stringify(answerLine(engine, line, defaults))}\n`);
  }
  return 0;
}
