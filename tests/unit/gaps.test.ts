import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { realEngine } from '../helpers/kb.js';
import { findGaps, formatGaps, gapAnalyzer, gapsToCsv, GAP_SIMILARITY, sameWord, type Analyze, type GapGroup } from '../../src/reports/gaps.js';
import type { QuestionReason, StoredQuestion } from '../../src/store/types.js';
import type { Lang } from '../../src/types.js';

const engine = realEngine();
const analyze: Analyze = gapAnalyzer(engine);

const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 2); // Monday 2 November 2026

let nextId = 1;
function q(text: string, lang: Lang, day: number, reason: QuestionReason = 'fallback', entry?: string): StoredQuestion {
  return { id: nextId++, at: START + day * DAY, userKey: `telegram:u${nextId}`, channel: 'telegram', lang, reason, text, ...(entry ? { entry } : {}) };
}

const questions: StoredQuestion[] = [
  // How much does a patent cost in Moscow: Cyrillic, Latin letters, typos, a year.
  q('Сколько стоит патент в Москве?', 'ru', 0),
  q('skolko stoit patent v moskve', 'ru', 1),
  q('скока стоит патэнт в маскве', 'ru', 3, 'detail', 'work-permit-eaeu'),
  q('цена патента в москве 2026', 'ru', 9, 'down', 'work-permit-eaeu'),
  // Exchange rates.
  q('какой курс доллара сегодня', 'ru', 2),
  q('kurs dollara k somu', 'ru', 4),
  q('курс доллара в тенге', 'ru', 5),
  // Unrelated singletons.
  q('работодатель забрал паспорт', 'ru', 6, 'down', 'labour-rights-eaeu'),
  q('где купить билет на самолет', 'ru', 7),
  // No words once redacted.
  q('[phone]', 'ru', 8),
  q('???', 'ru', 8),
  // Kyrgyz: enrolling a child at school, with and without Cyrillic; a patent question; an unrelated one.
  q('баламды мектепке кантип берем', 'ky', 1),
  q('balamdy mektepke kantip beres', 'ky', 2),
  q('patent kancha turat', 'ky', 3),
  q('айлыгымды бербей жатат', 'ky', 4),
  // French.
  q('Combien coûte le titre de séjour ?', 'fr', 2),
  q('prix du titre de sejour', 'fr', 6, 'down', 'passports-documents'),
  q('où acheter une carte sim', 'fr', 7),
];

const byText = new Map(questions.map((x) => [x.text, x.id]));
const groupOf = (groups: readonly GapGroup[], text: string) => groups.find((g) => g.questionIds.includes(byText.get(text)!))!;
const texts = (g: GapGroup) => g.questionIds.map((id) => questions.find((x) => x.id === id)!.text);

describe('findGaps', () => {
  const groups = findGaps(questions, analyze);

  it('puts the four ways of asking the price of a patent in Moscow together', () => {
    const patent = groupOf(groups, 'Сколько стоит патент в Москве?');
    expect(texts(patent)).toEqual(['Сколько стоит патент в Москве?', 'skolko stoit patent v moskve', 'скока стоит патэнт в маскве', 'цена патента в москве 2026']);
    expect(patent).toMatchObject({
      lang: 'ru',
      count: 4,
      reasons: { fallback: 2, detail: 1, down: 1 },
      entries: [{ entry: 'work-permit-eaeu', down: 1, detail: 1 }],
      firstSeen: START,
      lastSeen: START + 9 * DAY,
    });
    // Typos are folded into the usual spelling; "сколько" is a question word, not a subject.
    expect(patent.terms).toEqual(['москв', 'патент', 'сто']);
    expect(patent.examples).toEqual(['цена патента в москве 2026', 'скока стоит патэнт в маскве', 'skolko stoit patent v moskve']);
  });

  it('groups the exchange-rate questions, and nothing else with them', () => {
    const rates = groupOf(groups, 'какой курс доллара сегодня');
    expect(texts(rates)).toEqual(['какой курс доллара сегодня', 'kurs dollara k somu', 'курс доллара в тенге']);
    expect(rates.terms).toEqual(['доллар', 'курс']);
    expect(rates.entries).toEqual([]);
  });

  it('keeps unrelated questions alone and languages apart', () => {
    for (const text of ['работодатель забрал паспорт', 'где купить билет на самолет', 'patent kancha turat', 'айлыгымды бербей жатат', 'où acheter une carte sim']) {
      expect(groupOf(groups, text).count).toBe(1);
    }
    expect(groupOf(groups, 'работодатель забрал паспорт').entries).toEqual([{ entry: 'labour-rights-eaeu', down: 1, detail: 0 }]);
    for (const g of groups) expect(new Set(g.questionIds.map((id) => questions.find((x) => x.id === id)!.lang))).toEqual(new Set([g.lang]));
  });

  it('groups Kyrgyz typed with and without Cyrillic, and French with and without accents', () => {
    expect(texts(groupOf(groups, 'баламды мектепке кантип берем'))).toEqual(['баламды мектепке кантип берем', 'balamdy mektepke kantip beres']);
    const titre = groupOf(groups, 'prix du titre de sejour');
    expect(texts(titre)).toEqual(['Combien coûte le titre de séjour ?', 'prix du titre de sejour']);
    expect(titre.terms.slice(0, 2)).toEqual(['sejour', 'titr']);
    expect(titre.reasons).toEqual({ fallback: 1, detail: 0, down: 1 });
  });

  it('collects questions with no words (only a placeholder or punctuation) in one group', () => {
    const wordless = groupOf(groups, '[phone]');
    expect(texts(wordless)).toEqual(['[phone]', '???']);
    expect(wordless.terms).toEqual([]);
  });

  it('accounts for every question once, biggest group first', () => {
    expect(groups.flatMap((g) => g.questionIds).sort((a, b) => a - b)).toEqual(questions.map((x) => x.id));
    expect(groups.map((g) => g.count)).toEqual([...groups.map((g) => g.count)].sort((a, b) => b - a));
    expect(groups[0]!.count).toBe(4);
    expect(groups).toHaveLength(10);
  });

  it('gives the analyzer each question in its own language, without placeholders', () => {
    const seen: [string, Lang][] = [];
    findGaps([q('мой номер [phone], паспорт [document]', 'ru', 0), q('mon mail [email]', 'fr', 0)], (text, lang) => {
      seen.push([text, lang]);
      return analyze(text, lang);
    });
    expect(seen.find(([text]) => text.includes('номер'))?.[1]).toBe('ru');
    expect(seen.find(([text]) => text.includes('mail'))?.[1]).toBe('fr');
    for (const [text] of seen) expect(text).not.toMatch(/\[(phone|document|email)\]/);
  });

  it('shows at most three distinct examples, shortest first', () => {
    const same = ['Курс доллара?', 'курс доллара', 'курс доллара сегодня какой', 'курс доллара на сегодня', 'kurs dollara segodnya'].map((t, i) => q(t, 'ru', i));
    const [group] = findGaps(same, analyze);
    expect(group!.count).toBe(5);
    expect(group!.examples).toEqual(['Курс доллара?', 'kurs dollara segodnya', 'курс доллара на сегодня']);
  });

  it('returns nothing for no questions', () => {
    expect(findGaps([], analyze)).toEqual([]);
    expect(formatGaps([])).toContain('No unanswered');
  });
});

describe('typo tolerance', () => {
  it('merges one typo from five letters, two from eight, and longer forms of a word', () => {
    expect(sameWord('патент', 'патэнт')).toBe(true);
    expect(sameWord('москв', 'маскв')).toBe(true);
    expect(sameWord('документ', 'дакумнет')).toBe(true);
    expect(sameWord('мектеп', 'мектептер')).toBe(true);
    expect(sameWord('курс', 'корс')).toBe(false);
    expect(sameWord('патент', 'пакет')).toBe(false);
  });
});

describe('the similarity threshold on a labelled sample', () => {
  // [question, language, the group a reader would put it in]
  const LABELLED: ReadonlyArray<readonly [string, Lang, string]> = [
    ['Сколько стоит патент в Москве?', 'ru', 'patent-cost'],
    ['skolko stoit patent v moskve', 'ru', 'patent-cost'],
    ['скока стоит патэнт в маскве', 'ru', 'patent-cost'],
    ['стоимость патента в Москве 2026', 'ru', 'patent-cost'],
    ['цена патента москва', 'ru', 'patent-cost'],
    ['patent moskva skolko stoit v mesyac', 'ru', 'patent-cost'],
    ['какой курс доллара сегодня', 'ru', 'rates'],
    ['kurs dollara segodnya', 'ru', 'rates'],
    ['курс доллара к сому', 'ru', 'rates'],
    ['курс рубля к сому сегодня', 'ru', 'rates'],
    ['где купить сим карту', 'ru', 'sim'],
    ['gde kupit sim kartu v almaty', 'ru', 'sim'],
    ['как оформить сим-карту иностранцу', 'ru', 'sim'],
    ['сколько стоит сим карта', 'ru', 'sim'],
    ['какие документы нужны для школы', 'ru', 'school-docs'],
    ['dokumenty dlya shkoly kakie nuzhny', 'ru', 'school-docs'],
    ['какие документы нужны в школу в Алматы', 'ru', 'school-docs'],
    ['как встать в очередь в детский сад', 'ru', 'kindergarten'],
    ['очередь в детсад алматы', 'ru', 'kindergarten'],
    ['kak vstat v ochered v detskiy sad', 'ru', 'kindergarten'],
    ['как получить медицинский полис ребенку', 'ru', 'policy'],
    ['полис ОМС для ребенка мигранта', 'ru', 'policy'],
    ['kak poluchit polis rebenku', 'ru', 'policy'],
    ['сколько стоит билет до Бишкека', 'ru', 'tickets'],
    ['билет на поезд москва бишкек цена', 'ru', 'tickets'],
    ['работодатель не платит зарплату три месяца', 'ru', 'salary'],
    ['можно ли взять кредит без прописки', 'ru', 'credit'],
    ['где сделать перевод диплома', 'ru', 'diploma'],
    ['какая погода в Москве', 'ru', 'weather'],
    ['баламды мектепке кантип берем', 'ky', 'ky-school'],
    ['balamdy mektepke kantip beres', 'ky', 'ky-school'],
    ['баламды мектепке каттатуу', 'ky', 'ky-school'],
    ['мектепке кандай документтер керек', 'ky', 'ky-school-docs'],
    ['mektepke kandai dokumentter kerek', 'ky', 'ky-school-docs'],
    ['доллардын курсу канча', 'ky', 'ky-rates'],
    ['dollardyn kursu kancha bugun', 'ky', 'ky-rates'],
    ['рублдун курсу канча', 'ky', 'ky-rates'],
    ['патент канча турат', 'ky', 'ky-patent'],
    ['патенттин баасы канча москвада', 'ky', 'ky-patent'],
    ['patent kancha turat', 'ky', 'ky-patent'],
    ['айлыгымды бербей жатат', 'ky', 'ky-salary'],
    ['үй жайды кантип табам', 'ky', 'ky-housing'],
    ['Combien coûte le titre de séjour ?', 'fr', 'fr-permit'],
    ['combien coute un titre de sejour', 'fr', 'fr-permit'],
    ['prix du titre de séjour', 'fr', 'fr-permit'],
    ['taux de change euro som', 'fr', 'fr-rates'],
    ['quel est le taux de change du dollar', 'fr', 'fr-rates'],
    ['inscrire mon enfant à la crèche', 'fr', 'fr-creche'],
    ['comment inscrire mon fils à la crèche', 'fr', 'fr-creche'],
    ['où acheter une carte sim', 'fr', 'fr-sim'],
    ['recette de plov', 'fr', 'fr-recipe'],
  ];

  /** Over all pairs of questions: how many put together belong together, and how many that belong together are. */
  function pairScores(threshold: number) {
    const sample = LABELLED.map(([text, lang], i) => q(text, lang, i));
    const groupIndex = new Map<number, number>();
    findGaps(sample, analyze, { threshold }).forEach((g, i) => g.questionIds.forEach((id) => groupIndex.set(id, i)));
    let together = 0;
    let right = 0;
    let belong = 0;
    for (let i = 0; i < sample.length; i++) {
      for (let j = i + 1; j < sample.length; j++) {
        const same = LABELLED[i]![2] === LABELLED[j]![2];
        const grouped = groupIndex.get(sample[i]!.id) === groupIndex.get(sample[j]!.id);
        if (grouped) together++;
        if (same) belong++;
        if (same && grouped) right++;
      }
    }
    return { precision: right / together, recall: right / belong };
  }

  it('never puts different questions together, and finds most rewordings', () => {
    const { precision, recall } = pairScores(GAP_SIMILARITY);
    expect(precision).toBeGreaterThanOrEqual(0.95);
    expect(recall).toBeGreaterThanOrEqual(0.85);
  });

  it('is a real trade-off: lower merges different questions, higher splits rewordings', () => {
    expect(pairScores(GAP_SIMILARITY - 0.1).precision).toBeLessThan(0.9);
    expect(pairScores(GAP_SIMILARITY + 0.1).recall).toBeLessThan(0.8);
  });
});

describe('formatGaps and gapsToCsv', () => {
  const groups = findGaps(questions, analyze);

  it('prints a table with English headings, each group with its entries and examples', () => {
    const text = formatGaps(groups);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^\s*#\s+lang\s+count\s+fallback\s+detail\s+down\s+first seen\s+last seen\s+terms$/);
    expect(lines[1]).toMatch(/^-+ +-+/);
    expect(lines[2]).toMatch(/^\s*1\s+ru\s+4\s+2\s+1\s+1\s+2026-11-02\s+2026-11-11\s+москв патент сто$/);
    expect(lines[3]).toContain('entries: work-permit-eaeu (1 down, 1 detail)');
    expect(lines[4]).toContain('"цена патента в москве 2026"');
    expect(text).toContain('(no words)');
    expect(formatGaps(groups, { limit: 2 })).toContain(`… and ${groups.length - 2} more groups`);
  });

  it('writes one CSV row per group that a spreadsheet reads back', () => {
    const rows: Record<string, string>[] = parse(gapsToCsv(groups), { columns: true });
    expect(Object.keys(rows[0]!)).toEqual(['lang', 'count', 'fallback', 'detail', 'down', 'terms', 'entries', 'example_1', 'example_2', 'example_3', 'first_seen', 'last_seen']);
    expect(rows).toHaveLength(groups.length);
    expect(rows[0]).toMatchObject({ lang: 'ru', count: '4', fallback: '2', detail: '1', down: '1', terms: 'москв патент сто', example_1: 'цена патента в москве 2026', first_seen: '2026-11-02', last_seen: '2026-11-11' });
    expect(rows.reduce((sum, r) => sum + Number(r['count']), 0)).toBe(questions.length);
  });

  it('keeps a family’s words from running as a spreadsheet formula', () => {
    const hostile = [q('=HYPERLINK("http://evil.example","курс доллара")', 'ru', 1), q('+7 сколько стоит виза', 'ru', 2)];
    const rows: Record<string, string>[] = parse(gapsToCsv(findGaps(hostile, analyze)), { columns: true });
    const examples = rows.map((r) => r['example_1']);
    expect(examples).toContain('\'=HYPERLINK("http://evil.example","курс доллара")');
    expect(examples).toContain("'+7 сколько стоит виза");
  });
});
