/**
 * The knowledge-base file formats. One zod schema per file kind: the type the code uses
 * and the check every file passes before it is served.
 */
import { z } from 'zod';
import { ENTRY_COUNTRIES, LANGS } from '../types.js';

/** Limits that keep answers readable on a phone and inside the messengers' limits. */
export const LIMITS = {
  /** An answer fits on a phone screen (and well inside Telegram's 4096 and WhatsApp's 4096). */
  answerChars: 700,
  /** The whole composed reply (answer, country note, source line) fits a WhatsApp interactive body. */
  replyChars: 1024,
  titleChars: 60,
  /** WhatsApp reply buttons take 20 characters, list rows 24; Telegram buttons stay readable. */
  shortChars: 20,
  minQuestionsPerLang: 3,
} as const;

const id = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'use lowercase letters, digits and hyphens');

const text = z.string().trim().min(1, 'is empty');

/** A value in each of the three languages, all required. */
export const perLang = <T extends z.ZodType>(schema: T) =>
  z.object({ fr: schema, ru: schema, ky: schema }).strict();

export const sourceDocSchema = z
  .object({
    id: z.string().min(1),
    file: z.string().min(1),
    symbol: z.string().optional(),
    title: perLang(text),
    date: z.string().min(1),
    language: z.enum(LANGS),
    kind: z.enum(['government-report', 'committee-observations', 'article', 'project-page']),
    numbered: z.boolean(),
  })
  .strict();
export const sourcesFileSchema = z.array(sourceDocSchema).min(1);
export type SourceDoc = z.infer<typeof sourceDocSchema>;

export const citationSchema = z
  .object({
    doc: z.string().min(1),
    paras: z.array(z.number().int().positive()).min(1).optional(),
    quote: z.string().trim().min(10, 'quote is too short to locate').optional(),
  })
  .strict()
  .refine((c) => c.paras !== undefined || c.quote !== undefined, {
    message: 'cite paragraphs (paras) or an exact quote',
  });
export type Citation = z.infer<typeof citationSchema>;

const reviewed = z.union([z.string(), z.date()]).transform((value, ctx) => {
  const iso = value instanceof Date ? value.toISOString().slice(0, 10) : value;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso) || Number.isNaN(Date.parse(iso))) {
    ctx.addIssue({ code: 'custom', message: 'must be a date YYYY-MM-DD' });
    return z.NEVER;
  }
  return iso;
});

/**
 * Practical details a parent may ask for. An entry lists the ones its answer really gives; a
 * question about any other gets the honest "the documents do not say" reply, not a near miss.
 */
export const DETAIL_KINDS = ['cost', 'address', 'hours', 'phone', 'deadline'] as const;
export type DetailKind = (typeof DETAIL_KINDS)[number];

export const entrySchema = z
  .object({
    id,
    topic: id,
    topics: z.array(id).default([]),
    group: id.optional(),
    countries: z.array(z.enum(ENTRY_COUNTRIES)).min(1),
    sources: z.array(citationSchema).min(1),
    reviewed,
    title: perLang(text.max(LIMITS.titleChars, `is longer than ${LIMITS.titleChars} characters`)),
    short: perLang(text.max(LIMITS.shortChars, `is longer than ${LIMITS.shortChars} characters (button label)`)),
    answer: perLang(text.max(LIMITS.answerChars, `is longer than ${LIMITS.answerChars} characters (phone screen)`)),
    questions: perLang(z.array(text).min(LIMITS.minQuestionsPerLang, `needs at least ${LIMITS.minQuestionsPerLang} sample questions`)),
    details: z.array(z.enum(DETAIL_KINDS)).default([]),
    related: z.array(id).default([]),
  })
  .strict();
export type Entry = z.infer<typeof entrySchema>;

const sourcedReply = z
  .object({ sources: z.array(citationSchema).min(1), reviewed, text: perLang(text) })
  .strict();
export const repliesFileSchema = z.object({ emergency: sourcedReply, 'help-lines': sourcedReply }).strict();
export type SourcedReply = z.infer<typeof sourcedReply>;
export type Replies = z.infer<typeof repliesFileSchema>;

const examples = perLang(z.array(text).min(1));
export const intentSchema = z
  .object({
    id,
    examples: examples.optional(),
    /** Intents that carry a value (the language asked for, positive or negative feedback). */
    values: z.record(z.string(), examples).optional(),
    /** Safety intent only: word-prefix patterns, each pattern's words must all begin words of the message. */
    cues: perLang(z.array(text).min(1)).optional(),
    /**
     * Safety intent only: a question about the law or services ("what does the law say if a parent
     * hits a child") that names nobody of the writer's own ("my", "me", "now") may get the
     * knowledge answer instead, when the engine is sure of it; the answer itself starts with 111.
     */
    informational: z.object({ cues: perLang(z.array(text).min(1)), personal: perLang(z.array(text).min(1)) }).strict().optional(),
    /** Safety intent only: set phrases that are no cue ("убить время"); `*` is any word, `~word` stays a cue word. */
    figurative: perLang(z.array(text)).optional(),
    /**
     * Safety intent only: a danger that is over — a time long gone (phrases), a word that it ended
     * (cues) and no word of danger now (cues) — is informational, not urgent.
     */
    past: z.object({ long_ago: perLang(z.array(text)), over: perLang(z.array(text)), still: perLang(z.array(text).min(1)) }).strict().optional(),
  })
  .strict()
  .refine((i) => i.examples !== undefined || i.values !== undefined, {
    message: 'give examples or values',
  });
export type Intent = z.infer<typeof intentSchema>;

export const REQUIRED_INTENTS = [
  'greeting',
  'thanks',
  'goodbye',
  'help',
  'change-language',
  'human',
  'feedback',
  'emergency',
] as const;
export type IntentId = (typeof REQUIRED_INTENTS)[number];

/** Words the engine reads for language, country and noise; data, so linguists can edit it. */
export const lexiconSchema = z
  .object({
    stopwords: perLang(z.array(z.string())),
    places: z.record(z.enum(['KZ', 'KG', 'RU']), z.array(text).min(1)),
    countries: z.record(z.enum(['KZ', 'KG', 'RU']), z.array(text).min(1)),
    abroad: z.array(text).min(1),
    /** Word-prefix cues for the practical details a question asks for (see DETAIL_KINDS). */
    details: z.record(z.enum(DETAIL_KINDS), perLang(z.array(text).min(1))),
    /** Phrases that contain a detail cue without asking for it ("нет адреса"). */
    not_details: z.partialRecord(z.enum(DETAIL_KINDS), perLang(z.array(text))).default({}),
    /** Everyday subjects the documents never cover: the honest fallback unless an entry is a sure match. */
    off_topic: perLang(z.array(text)).default({ fr: [], ru: [], ky: [] }),
    /** Question words that say nothing about the subject ("сколько", "канча"): the gap report ignores them. */
    question_words: perLang(z.array(text)).default({ fr: [], ru: [], ky: [] }),
  })
  .strict();
export type Lexicon = z.infer<typeof lexiconSchema>;

export const glossarySchema = z.array(
  z.object({ key: id, fr: text, ru: text, ky: text, note: z.string().optional() }).strict(),
);

export const topicSchema = z
  .object({ id, countries: z.array(z.enum(ENTRY_COUNTRIES)).min(1), core: z.boolean() })
  .strict();
export const topicsFileSchema = z.array(topicSchema).min(1);
export type Topic = z.infer<typeof topicSchema>;
