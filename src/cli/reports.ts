/**
 * `jardam stats` and `jardam kb gaps`: the administrators' reports from the database, as a
 * table or CSV. Stats are counts only; gaps show the kept (redacted) questions, grouped.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { buildStats, formatStats, statsToCsv } from '../reports/stats.js';
import { findGaps, formatGaps, gapAnalyzer, gapsToCsv } from '../reports/gaps.js';
import { loadEngineOrExplain } from './load-engine.js';
import { UsageError } from './options.js';
import { withStore } from './store.js';

const reportSchema = z.object({
  csv: z.boolean().default(false),
  since: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, '--since must be a date YYYY-MM-DD')
    .refine((d) => !Number.isNaN(Date.parse(d)), '--since must be a real date')
    .transform((d) => Date.parse(`${d}T00:00:00Z`))
    .optional(),
  root: z.string().min(1).optional(),
});

function parse(args: string[]) {
  let values;
  try {
    values = parseArgs({ args, options: { csv: { type: 'boolean' }, since: { type: 'string' }, root: { type: 'string' } } }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const parsed = reportSchema.safeParse(values);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}

export function runStats(args: string[]): Promise<number> {
  const options = parse(args);
  return withStore(async ({ store }) => {
    const stats = buildStats(await store.turnCounts(options.since), await store.feedbackCounts(options.since));
    process.stdout.write(options.csv ? statsToCsv(stats) : formatStats(stats));
    return 0;
  });
}

export function runGaps(args: string[]): Promise<number> {
  const options = parse(args);
  // The engine's own analysis groups "skolko stoit patent" with "сколько стоит патент".
  const engine = loadEngineOrExplain(options.root);
  if (!engine) return Promise.resolve(1);
  return withStore(async ({ store }) => {
    const questions = await store.questions({ ...(options.since !== undefined ? { since: options.since } : {}) });
    const groups = findGaps(questions, gapAnalyzer(engine));
    process.stdout.write(options.csv ? gapsToCsv(groups) : formatGaps(groups));
    return 0;
  });
}
