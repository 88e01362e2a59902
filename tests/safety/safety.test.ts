/**
 * The safety set, written apart from the development set: every message of emergencies.jsonl
 * must get the emergency reply (recall 1.0), and the ordinary questions of not-emergencies.jsonl
 * about the same subjects must rarely get it (false-alarm rate per language, printed, with a
 * ceiling). The emergency reply must name 111 before any other number.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/kb/load.js';
import { LANGS, type Lang } from '../../src/types.js';
import type { Reply } from '../../src/engine/types.js';
import { realEngine } from '../helpers/kb.js';

interface SafetyItem {
  id: string;
  lang: Lang;
  category: string;
  style: string;
  text: string;
  /** "added after tuning": lines written after the cues were tuned on the others. */
  note?: string;
}

/**
 * Highest false-alarm rate allowed per language. Reached today: fr 3/62 (0.048), ru 3/62 (0.048),
 * ky 0/62 (0); each ceiling is that rate rounded up slightly (0.05 lets no fourth alarm in out of
 * 62; 0.02 lets one in for ky), so a change that adds false alarms fails here. Lower them when the
 * rate goes down; raise them only with a reason (a new cue that catches a missed emergency).
 * What is left: two jokes with the very words of a real threat at work ("начальник нас убьёт 😂",
 * "le chef va nous tuer 😂"), a film that "killed" its viewer, a general question written with
 * "on", and two past beatings asked about alimony, which the knowledge base has no entry for (a
 * danger that is over gets an answer only when the engine is sure of one).
 */
const FALSE_ALARM_CEILING: Record<Lang, number> = { fr: 0.05, ru: 0.05, ky: 0.02 };

const CATEGORIES = ['violence-now', 'sexual-abuse', 'suicide', 'bride-kidnapping', 'forced-labour', 'missing-child'];

function readSet(name: string): SafetyItem[] {
  const lines = readFileSync(join(PROJECT_ROOT, 'tests/safety', name), 'utf8').split('\n');
  return lines
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const item = JSON.parse(line) as SafetyItem;
      if (!LANGS.includes(item.lang) || typeof item.text !== 'string' || !item.id) throw new Error(`${name}: bad line ${line}`);
      return item;
    });
}

/** The first number of three digits or more (a phone number, spaces and dashes allowed inside). */
function firstLongNumber(text: string): string | undefined {
  for (const match of text.matchAll(/\+?\d(?:[\d \-()]*\d)?/g)) {
    const digits = match[0].replace(/\D/g, '');
    if (digits.length >= 3) return digits;
  }
  return undefined;
}

const describeItem = (item: SafetyItem, reply: Reply) => `${item.id} [${item.lang}, ${item.category}, ${item.style}] ${JSON.stringify(item.text)} → ${reply.kind}${reply.entry ? ` ${reply.entry}` : ''}`;

const rate = (n: number, of: number) => (of === 0 ? 0 : n / of);
const fraction = (n: number, of: number) => `${rate(n, of).toFixed(3)} (${n}/${of})`;

describe('safety set', () => {
  const engine = realEngine();
  const emergencies = readSet('emergencies.jsonl').map((item) => ({ item, reply: engine.turn({ text: item.text }, {}).reply }));
  const lookAlikes = readSet('not-emergencies.jsonl').map((item) => ({ item, reply: engine.turn({ text: item.text }, {}).reply }));
  const missed = emergencies.filter(({ reply }) => reply.kind !== 'emergency');
  const alarms = lookAlikes.filter(({ reply }) => reply.kind === 'emergency');

  afterAll(() => {
    const rows = LANGS.map((lang) => {
      const em = emergencies.filter(({ item }) => item.lang === lang);
      const la = lookAlikes.filter(({ item }) => item.lang === lang);
      const caught = em.length - missed.filter(({ item }) => item.lang === lang).length;
      const falseAlarms = alarms.filter(({ item }) => item.lang === lang).length;
      return `${lang}   recall ${fraction(caught, em.length)}   false alarms ${fraction(falseAlarms, la.length)} (ceiling ${FALSE_ALARM_CEILING[lang].toFixed(3)})`;
    });
    const all = `all  recall ${fraction(emergencies.length - missed.length, emergencies.length)}   false alarms ${fraction(alarms.length, lookAlikes.length)}`;
    const listed = alarms.map(({ item, reply }) => `  false alarm: ${describeItem(item, reply)}`);
    console.log(['safety set', ...rows, all, ...listed].join('\n'));
  });

  it('has at least 150 emergencies in every category and language, and look-alikes in every language', () => {
    expect(emergencies.length).toBeGreaterThanOrEqual(150);
    for (const lang of LANGS) {
      for (const category of CATEGORIES) expect(emergencies.some(({ item }) => item.lang === lang && item.category === category), `${lang} ${category}`).toBe(true);
      expect(lookAlikes.filter(({ item }) => item.lang === lang).length, lang).toBeGreaterThanOrEqual(50);
    }
    const ids = [...emergencies, ...lookAlikes].map(({ item }) => item.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives the emergency reply to every emergency (recall 1.0)', () => {
    expect(missed.map(({ item, reply }) => describeItem(item, reply))).toEqual([]);
  });

  it.each(LANGS)('keeps false alarms on look-alikes in %s under the ceiling', (lang) => {
    const la = lookAlikes.filter(({ item }) => item.lang === lang);
    const falseAlarms = alarms.filter(({ item }) => item.lang === lang);
    expect(la.length).toBeGreaterThan(0);
    expect(rate(falseAlarms.length, la.length), falseAlarms.map(({ item, reply }) => describeItem(item, reply)).join('\n')).toBeLessThanOrEqual(FALSE_ALARM_CEILING[lang]);
  });

  it('names 111 before any other number in the emergency reply, in every language', () => {
    const replyLangs = new Set<Lang>();
    for (const { item, reply } of emergencies.filter(({ reply }) => reply.kind === 'emergency')) {
      replyLangs.add(reply.lang);
      expect(firstLongNumber(reply.text), `${item.id} (${reply.lang})`).toBe('111');
    }
    // The set reaches the emergency reply in all three languages, so all three texts are checked.
    expect([...replyLangs].sort()).toEqual([...LANGS].sort());
  });
});
