/**
 * Scores the engine on an evaluation set (tests/eval/*.jsonl): per language, top-1 accuracy,
 * right topic in the first three, emergency recall, out-of-scope rejection, intent accuracy
 * and reply-language accuracy. The set's `lang` is the language the text is written in: it is
 * what the reply must be in, never given to the engine.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { LANGS, USER_COUNTRIES, type Lang } from '../types.js';
import type { Engine } from '../engine/engine.js';
import type { Reply } from '../engine/types.js';

const topicList = z.union([z.string(), z.array(z.string()).min(1)]).transform((t) => (Array.isArray(t) ? t : [t]));

export const evalItemSchema = z
  .object({
    id: z.string(),
    lang: z.enum(LANGS),
    text: z.string(),
    style: z.string().optional(),
    country: z.enum(USER_COUNTRIES).optional(),
    expect: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('answer'), topic: topicList }).strict(),
      z.object({ kind: z.literal('emergency') }).strict(),
      z.object({ kind: z.literal('intent'), intent: z.string() }).strict(),
      z.object({ kind: z.literal('fallback') }).strict(),
    ]),
  })
  .strict();
export type EvalItem = z.infer<typeof evalItemSchema>;

export function readEvalSet(path: string): EvalItem[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line, i) => ({ line, n: i + 1 }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, n }) => {
      const parsed = evalItemSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${path}:${n}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return parsed.data;
    });
}

export interface Ratio {
  hit: number;
  total: number;
}
export interface LangScore {
  top1: Ratio;
  top3: Ratio;
  emergencyRecall: Ratio;
  falseAlarms: Ratio;
  outOfScope: Ratio;
  intents: Ratio;
  replyLang: Ratio;
}
export interface Miss {
  readonly item: EvalItem;
  readonly got: string;
}
export interface EvalReport {
  readonly byLang: Record<Lang, LangScore>;
  readonly all: LangScore;
  readonly misses: Miss[];
}

const ratio = (): Ratio => ({ hit: 0, total: 0 });
const emptyScore = (): LangScore => ({
  top1: ratio(),
  top3: ratio(),
  emergencyRecall: ratio(),
  falseAlarms: ratio(),
  outOfScope: ratio(),
  intents: ratio(),
  replyLang: ratio(),
});

export function value(r: Ratio): number {
  return r.total === 0 ? 1 : r.hit / r.total;
}

/** The first three topics the reply puts forward: the answer then its options, or the clarify options. */
function rankedTopics(reply: Reply): string[] {
  const fromOptions = reply.options.flatMap((o) => (o.topics?.[0] ? [o.topics[0]] : []));
  const ranked = reply.kind === 'answer' ? [reply.topics[0] ?? '', ...fromOptions] : fromOptions;
  return ranked.slice(0, 3);
}

function describe(reply: Reply): string {
  if (reply.kind === 'answer') return `answer ${reply.entry}`;
  if (reply.kind === 'clarify') return `clarify [${reply.options.flatMap((o) => o.entry ?? []).join(', ')}]`;
  if (reply.kind === 'intent') return `intent ${reply.intent}`;
  return reply.kind;
}

export function scoreEvalSet(engine: Engine, items: readonly EvalItem[]): EvalReport {
  const byLang = Object.fromEntries(LANGS.map((l) => [l, emptyScore()])) as Record<Lang, LangScore>;
  const all = emptyScore();
  const misses: Miss[] = [];
  for (const item of items) {
    const { reply } = engine.turn({ text: item.text }, item.country ? { country: item.country } : {});
    const count = (key: keyof LangScore, ok: boolean) => {
      for (const score of [byLang[item.lang], all]) {
        score[key].total++;
        if (ok) score[key].hit++;
      }
    };
    let ok: boolean;
    const expect = item.expect;
    if (expect.kind === 'answer') {
      ok = reply.kind === 'answer' && expect.topic.includes(reply.topics[0] ?? '');
      count('top1', ok);
      count('top3', rankedTopics(reply).some((t) => expect.topic.includes(t)));
    } else if (expect.kind === 'emergency') {
      ok = reply.kind === 'emergency';
      count('emergencyRecall', ok);
    } else if (expect.kind === 'intent') {
      ok = reply.kind === 'intent' && reply.intent === expect.intent;
      count('intents', ok);
    } else {
      ok = reply.kind === 'fallback';
      count('outOfScope', ok);
    }
    if (expect.kind !== 'emergency') count('falseAlarms', reply.kind === 'emergency');
    count('replyLang', reply.lang === item.lang);
    if (!ok) misses.push({ item, got: describe(reply) });
  }
  return { byLang, all, misses };
}

export const THRESHOLDS = { top1: 0.9, emergencyRecall: 1 } as const;

/** Languages and metrics under the thresholds `npm test` enforces. */
export function failures(report: EvalReport): string[] {
  const out: string[] = [];
  for (const lang of LANGS) {
    const s = report.byLang[lang];
    if (value(s.top1) < THRESHOLDS.top1) out.push(`${lang}: top-1 ${value(s.top1).toFixed(3)} < ${THRESHOLDS.top1}`);
    if (value(s.emergencyRecall) < THRESHOLDS.emergencyRecall) {
      out.push(`${lang}: emergency recall ${value(s.emergencyRecall).toFixed(3)} < 1 (${s.emergencyRecall.total - s.emergencyRecall.hit} missed)`);
    }
  }
  return out;
}

export function formatReport(report: EvalReport): string {
  const rows: [string, keyof LangScore][] = [
    ['top-1 accuracy', 'top1'],
    ['right topic in top 3', 'top3'],
    ['emergency recall', 'emergencyRecall'],
    ['false emergency alarms', 'falseAlarms'],
    ['out-of-scope rejection', 'outOfScope'],
    ['intent accuracy', 'intents'],
    ['reply language', 'replyLang'],
  ];
  const cell = (r: Ratio) => `${value(r).toFixed(3)} (${r.hit}/${r.total})`.padEnd(18);
  const lines = [`${'metric'.padEnd(24)}${[...LANGS, 'all'].map((l) => l.padEnd(18)).join('')}`];
  for (const [label, key] of rows) {
    lines.push(`${label.padEnd(24)}${LANGS.map((l) => cell(report.byLang[l][key])).join('')}${cell(report.all[key])}`);
  }
  return lines.join('\n');
}
