/**
 * Rules that span files: citations that exist, known topics and related ids, unique sample
 * questions and button labels, complete intents and locales. Each problem names file, field and language.
 */
import { LANGS } from '../types.js';
import { matchForm } from '../text/fold.js';
import { normalizeQuote } from './documents.js';
import { formatCitations } from './cite.js';
import type { FileReader } from './files.js';
import type { KnowledgeBase } from './load.js';
import { LIMITS, REQUIRED_INTENTS, type Citation } from './schema.js';

/** Room left in a reply for the country note, the source label and the feedback prompt. */
const REPLY_FRAME_CHARS = 200;

export function validateKnowledge(kb: KnowledgeBase, files: FileReader): void {
  checkEntries(kb, files);
  checkReplies(kb, files);
  checkIntents(kb, files);
  checkLocales(kb, files);
}

function checkCitations(kb: KnowledgeBase, files: FileReader, file: string, citations: readonly Citation[]): void {
  citations.forEach((c, i) => {
    const field = `sources[${i}]`;
    const doc = kb.sources.get(c.doc);
    if (!doc) {
      files.error(file, `${field}.doc`, `unknown document "${c.doc}" (see knowledge/sources.yaml)`);
      return;
    }
    if (doc.numbered && !c.paras) files.error(file, `${field}.paras`, `document ${c.doc} numbers its paragraphs: cite them`);
    if (!doc.numbered && c.paras) files.error(file, `${field}.paras`, `document ${c.doc} has no numbered paragraphs: cite a quote`);
    const missing = (c.paras ?? []).filter((n) => !doc.content.paragraphs.has(n));
    if (doc.numbered && missing.length > 0) {
      files.error(file, `${field}.paras`, `document ${c.doc} has no paragraph ${missing.join(', ')}`);
    }
    if (c.quote) {
      const where = c.paras ? c.paras.map((n) => doc.content.paragraphs.get(n) ?? '').join(' ') : doc.content.text;
      if (!normalizeQuote(where).includes(normalizeQuote(c.quote))) {
        files.error(file, `${field}.quote`, `not found in document ${c.doc}${c.paras ? ' at the cited paragraphs' : ''}`);
      }
    }
  });
}

function checkEntries(kb: KnowledgeBase, files: FileReader): void {
  const questionOwner = new Map<string, string>();
  const shortOwner = new Map<string, string>();
  for (const [id, entry] of kb.entries) {
    const file = kb.entryFiles.get(id)!;
    if (!kb.topics.has(entry.topic)) files.error(file, 'topic', `unknown topic "${entry.topic}" (see knowledge/topics.yaml)`);
    entry.topics.forEach((t, i) => {
      if (!kb.topics.has(t)) files.error(file, `topics[${i}]`, `unknown topic "${t}"`);
    });
    entry.related.forEach((r, i) => {
      if (r === id) files.error(file, `related[${i}]`, 'an entry cannot be related to itself');
      else if (!kb.entries.has(r)) files.error(file, `related[${i}]`, `unknown entry "${r}"`);
    });
    checkCitations(kb, files, file, entry.sources);

    for (const lang of LANGS) {
      const sourceLine = formatCitations(entry.sources, kb.sources, lang);
      const length = entry.answer[lang].length + sourceLine.length + REPLY_FRAME_CHARS;
      if (length > LIMITS.replyChars) {
        files.error(file, `answer.${lang}`, `with its source line the reply would be ${length} characters (limit ${LIMITS.replyChars})`, lang);
      }
      const shortKey = `${lang}:${matchForm(entry.short[lang])}`;
      const shortFirst = shortOwner.get(shortKey);
      if (shortFirst) files.error(file, `short.${lang}`, `button label "${entry.short[lang]}" is also used by ${shortFirst}`, lang);
      else shortOwner.set(shortKey, id);

      entry.questions[lang].forEach((q, i) => {
        const key = matchForm(q);
        const owner = questionOwner.get(key);
        if (owner === undefined) questionOwner.set(key, id);
        else if (owner === id) files.error(file, `questions.${lang}[${i}]`, `"${q}" is listed twice`, lang);
        else files.error(file, `questions.${lang}[${i}]`, `"${q}" is also a sample question of ${owner}`, lang);
      });
    }
  }
  for (const topic of kb.topics.values()) {
    if (topic.core && ![...kb.entries.values()].some((e) => e.topic === topic.id)) {
      files.error('knowledge/topics.yaml', topic.id, 'core (★) topic has no entry');
    }
  }
}

function checkReplies(kb: KnowledgeBase, files: FileReader): void {
  for (const [name, reply] of Object.entries(kb.replies)) {
    checkCitations(kb, files, 'knowledge/replies.yaml', reply.sources);
    for (const lang of LANGS) {
      if (reply.text[lang].length > LIMITS.answerChars) {
        files.error('knowledge/replies.yaml', `${name}.text.${lang}`, `is longer than ${LIMITS.answerChars} characters`, lang);
      }
    }
  }
}

function checkIntents(kb: KnowledgeBase, files: FileReader): void {
  for (const id of REQUIRED_INTENTS) {
    if (!kb.intents.has(id)) files.error(`intents/${id}.yaml`, '', `the ${id} intent is missing`);
  }
  const emergency = kb.intents.get('emergency');
  if (emergency && !emergency.cues) files.error('intents/emergency.yaml', 'cues', 'the safety intent needs cues in every language');
  const change = kb.intents.get('change-language');
  for (const lang of LANGS) {
    if (change && !change.values?.[lang]) files.error('intents/change-language.yaml', `values.${lang}`, 'no way to ask for this language', lang);
  }
  const feedback = kb.intents.get('feedback');
  for (const value of ['positive', 'negative']) {
    if (feedback && !feedback.values?.[value]) files.error('intents/feedback.yaml', `values.${value}`, 'is missing');
  }
}

/** Every key in every language; plural forms complete for each language's rules. */
function checkLocales(kb: KnowledgeBase, files: FileReader): void {
  const keysOf = (lang: (typeof LANGS)[number]) => new Set(flatKeys(kb.locales[lang]).map(stripPlural));
  const all = new Set(LANGS.flatMap((lang) => [...keysOf(lang)]));
  for (const lang of LANGS) {
    const file = `locales/${lang}/translation.json`;
    const have = new Set(flatKeys(kb.locales[lang]));
    const base = keysOf(lang);
    for (const key of all) if (!base.has(key)) files.error(file, key, 'is missing', lang);
    const forms = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
    for (const key of have) {
      const plural = /_(zero|one|two|few|many|other)$/.exec(key);
      if (!plural) continue;
      const stem = stripPlural(key);
      for (const form of forms) {
        if (!have.has(`${stem}_${form}`)) files.error(file, `${stem}_${form}`, `plural form "${form}" is missing`, lang);
      }
    }
  }
}

function stripPlural(key: string): string {
  return key.replace(/_(zero|one|two|few|many|other)$/, '');
}

function flatKeys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => flatKeys(v, prefix ? `${prefix}.${k}` : k));
}
