/** The emergency check's rules: phrases, figures of speech, dangers that are over, cue languages. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCueMatcher, createPhraseMatcher, readingsOf } from '../../src/engine/cues.js';
import { patternMatches } from '../../src/engine/prefix-match.js';
import { PROJECT_ROOT } from '../../src/kb/load.js';
import { realEngine } from '../helpers/kb.js';

const engine = realEngine();
const analyzer = engine.parts.analyzer;
const level = (text: string) => engine.parts.safety.level(text);

describe('phrases', () => {
  const phrases = createPhraseMatcher({ fr: ['il y a * ans'], ru: ['убить время'] }, analyzer);
  const found = (text: string) => phrases.found(readingsOf(text, analyzer));

  it('need their words one after the other', () => {
    expect(found('как убить время в очереди')).toBe(true);
    expect(found('время убить')).toBe(false);
    expect(found('убить его, время пришло')).toBe(false);
  });

  it('read "*" as any one word', () => {
    expect(found('il y a deux ans')).toBe(true);
    expect(found('il y a 2 ans')).toBe(true);
    expect(found('il y a une heure')).toBe(false);
    expect(found('il y a ans')).toBe(false);
  });

  it('strip only their own words', () => {
    const [fr] = phrases.strip(readingsOf('как убить время, он убьет меня', analyzer));
    expect(fr).toEqual(analyzer.tokens('как он убьет меня', 'fr'));
  });
});

describe('cue languages', () => {
  it('reads a French cue only as French ("je" is not Kyrgyz "же")', () => {
    expect(createCueMatcher({ fr: ['=je', '=on'] }, analyzer).matches('жети жылбы же он жылбы')).toBe(false);
    expect(createCueMatcher({ fr: ['=je'] }, analyzer).matches('je veux savoir')).toBe(true);
  });

  it('still reads Russian cues in Latin-letter Russian', () => {
    expect(createCueMatcher({ ru: ['не хочу жить'] }, analyzer).matches('ne hochu bolshe zhit')).toBe(true);
    expect(createCueMatcher({ ru: ["ub'et"] }, analyzer).matches("on menya ub'et")).toBe(true);
  });
});

describe('figures of speech', () => {
  it.each([
    'как убить время в очереди в миграционке',
    'дочь убита горем, что её не взяли в команду',
    "Faut-il aller frapper à la porte de l'école pour l'inscrire ?",
    'Mon fils bat tous les records en natation',
    'mon fils a ete touche par la grippe',
    'jsuis crevé, le taf me tue',
    'батирде розетка мени ток урат',
    'Мы потеряли свидетельство о рождении сына',
  ])('are no emergency: "%s"', (text) => {
    expect(level(text)).toBe('none');
  });

  it.each([
    'он сказал что убьет меня',
    'il frappe à la porte et dit qu il va me tuer',
    'il me frappe',
    'mon oncle touche ma fille',
    'күйөөм мени урат',
    'мы потеряли сына на рынке',
  ])('leave the real thing urgent: "%s"', (text) => {
    expect(level(text)).toBe('urgent');
  });
});

describe('a danger that is over', () => {
  it.each([
    'Два года назад муж меня бил, сейчас мы в разводе. Могу ли я получить алименты?',
    'Il y a deux ans mon mari me battait, maintenant je suis divorcée. Est-ce que je peux toucher une pension ?',
    'Өткөн жылы карындашымды ала качышкан, бирок ал үйгө кайтып келди, азыр баары жакшы. Арыз берсе болобу?',
  ])('long ago, ended, nothing now: informational "%s"', (text) => {
    expect(level(text)).toBe('informational');
  });

  it.each([
    ['danger again', 'Два года назад муж меня бил, сейчас мы в разводе, но он опять угрожает мне'],
    ['a recent attack', 'Два года назад развелись, а вчера он избил меня'],
    ['a recent attack', 'Эки жыл мурун ажырашканбыз, бирок кечээ келип мени сабады'],
    ['still hitting', 'Il y a deux ans on a divorcé, il me frappe quand il vient chercher les enfants'],
    ['stalking', 'il me frappait il y a 2 ans, maintenant on est separes mais il m attend devant chez moi'],
    ['suicidal now', 'Год назад развелись, муж бил, но я не хочу жить'],
    ['an hour is not long ago', 'Меня изнасиловали час назад, сейчас я дома, все хорошо'],
    ['no time gone', 'муж бил меня, сейчас мы в разводе'],
    ['nothing ended', 'два года назад муж меня бил'],
  ])('stays urgent with %s: "%s"', (_, text) => {
    expect(level(text)).toBe('urgent');
  });

  it('still gets the emergency reply when the knowledge base has no sure answer', () => {
    const text = 'Два года назад муж меня бил, сейчас мы в разводе. Могу ли я получить алименты?';
    expect(engine.turn({ text }).reply.kind).toBe('emergency');
  });
});

describe('old customs and current ones', () => {
  it('reads a story of how things used to be as no emergency', () => {
    expect(level('апам мурун айылда кыздарды ала качышчу деп айтып берди, азыр да ушундайбы?')).toBe('none');
    expect(level("Ma grand-mère me racontait qu'au village on enlevait les filles pour les marier. Ça existe encore ?")).toBe('none');
  });

  it('keeps a kidnapping happening now urgent', () => {
    expect(level('кызымды ала качышты')).toBe('urgent');
    expect(level('ils viennent d enlever ma soeur pour la marier')).toBe('urgent');
  });

  it('answers a general question on sentences from the knowledge base', () => {
    expect(level('кыз ала качкандар канча жылга кесилет, жети жылбы же он жылбы?')).toBe('informational');
  });
});

describe('the cue index', () => {
  const emergency = engine.kb.intents.get('emergency')!;
  const sets = [emergency.cues, emergency.informational?.cues, emergency.informational?.personal, emergency.past?.over, emergency.past?.still];
  const texts = [
    ...['tests/safety/emergencies.jsonl', 'tests/safety/not-emergencies.jsonl', 'tests/eval/dev.jsonl'].flatMap((file) =>
      readFileSync(join(PROJECT_ROOT, file), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => (JSON.parse(line) as { text: string }).text),
    ),
    // Short words, whole-word cues and words that only begin like a cue.
    'он ош', 'я в ош', 'ур', 'урат', 'bat', 'battre', '',
  ];

  it('finds exactly what trying every cue finds, on every message of the safety and development sets', () => {
    let matched = 0;
    for (const cues of sets) {
      const matcher = createCueMatcher(cues ?? {}, analyzer);
      expect(matcher.patterns.length).toBeGreaterThan(0);
      for (const text of texts) {
        const readings = readingsOf(text, analyzer);
        const tryEach = matcher.patterns.some((p) => readings.some((tokens) => patternMatches(p, tokens)));
        expect(matcher.matchesReadings(readings), text).toBe(tryEach);
        if (tryEach) matched++;
      }
    }
    // Both outcomes were exercised, many times.
    expect(matched).toBeGreaterThan(300);
    expect(matched).toBeLessThan(sets.length * texts.length - 300);
  });
});
