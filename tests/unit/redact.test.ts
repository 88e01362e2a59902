import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PLACEHOLDER_PATTERN, redact } from '../../src/privacy/redact.js';

describe('redact: what families write', () => {
  // [message, what must be stored]
  const cases: ReadonlyArray<readonly [string, string]> = [
    // Russian
    ['Мой номер +7 701 123 45 67, перезвоните', 'Мой номер [phone], перезвоните'],
    ['звоните 8 (701) 123-45-67 после 18', 'звоните [phone] после 18'],
    ['мой тел 87011234567', 'мой тел [phone]'],
    ['пишите на ватсап +996 555 12 34 56', 'пишите на ватсап [phone]'],
    ['Номер 996555123456 есть в телеграме', 'Номер [phone] есть в телеграме'],
    ['ИИН 870101300123, ребенку 3 года', 'ИИН [document], ребенку 3 года'],
    ['паспорт № 1234567 забрал работодатель', 'паспорт [document] забрал работодатель'],
    ['номер паспорта АС 1234567', 'номер паспорта [document]'],
    ['ID карта 123456789 просрочена', 'ID карта [document] просрочена'],
    ['перевел на карту 4400 4302 1234 5678, 15 000 тенге', 'перевел на карту [document], 15 000 тенге'],
    ['СНИЛС 123-456-789 01', 'СНИЛС [document]'],
    ['паспорт 4512 345678 выдан 24.11.2026', 'паспорт [document] выдан 24.11.2026'],
    ['почта ivan.petrov@mail.ru', 'почта [email]'],
    ['Позвоните на 111 или 1899, а в экстренном случае 102, 112, 150', 'Позвоните на 111 или 1899, а в экстренном случае 102, 112, 150'],
    ['патент в 2024 году стоил 6500 рублей в месяц', 'патент в 2024 году стоил 6500 рублей в месяц'],
    ['штраф 2000000 тенге или 1 500 000 тенге?', 'штраф 2000000 тенге или 1 500 000 тенге?'],
    ['Закон № 414-V, статья 12 пункт 3, приказ № 1036 от 2026-11-24', 'Закон № 414-V, статья 12 пункт 3, приказ № 1036 от 2026-11-24'],
    ['с 2023 по 2025 (2023-2025), в 2023 2024 2025 2026 годах', 'с 2023 по 2025 (2023-2025), в 2023 2024 2025 2026 годах'],
    // Russian in Latin letters
    ['moy nomer 0555 12 34 56 pozvonite', 'moy nomer [phone] pozvonite'],
    ['pasport AN1234567 poteryal, chto delat', 'pasport [document] poteryal, chto delat'],
    ['skolko stoit patent 5000 rub? tel 8 701 123 45 67', 'skolko stoit patent 5000 rub? tel [phone]'],
    ['rebenku 3 goda, zvonite 0 555 12-34-56', 'rebenku 3 goda, zvonite [phone]'],
    // Kyrgyz (with and without its letters)
    ['менин номерим 0700 123 456', 'менин номерим [phone]'],
    ['паспортум ID1234567 жоголуп кетти', 'паспортум [document] жоголуп кетти'],
    ['ПИН 21234567890123 керекпи', 'ПИН [document] керекпи'],
    ['balamdyn kuboluk N 12345678, 5000 som', 'balamdyn kuboluk [document], 5000 som'],
    ['111ге чалсам болобу? 2026-жылы', '111ге чалсам болобу? 2026-жылы'],
    // French
    ['mon numéro est le +33 6 12 34 56 78', 'mon numéro est le [phone]'],
    ['appelez-moi au 06 12 34 56 78 svp', 'appelez-moi au [phone] svp'],
    ['titre de séjour n° 1234567890 expiré', 'titre de séjour n° [document] expiré'],
    ['mon adresse: aigul.k_87@gmail.com', 'mon adresse: [email]'],
    ['il a 12 mois, rendez-vous le 24.11.2026 à 10:30', 'il a 12 mois, rendez-vous le 24.11.2026 à 10:30'],
    ['appelez le 115 ou le 119', 'appelez le 115 ou le 119'],
    // Several in one message, and a birth certificate
    ['мама +7 (777) 123-45-67, папа 0555 123456, a.b@mail.kz', 'мама [phone], папа [phone], [email]'],
    ['свидетельство о рождении I-АН № 123456', 'свидетельство о рождении [document]'],
  ];

  it.each(cases)('%s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('leaves a message with no number or e-mail untouched, byte for byte', () => {
    const text = 'Ребёнок  не ходит в школу…\nбаламды мектепке кантип берем? École ✓ 👶🏽';
    expect(redact(text)).toBe(text);
  });
});

// ---------------------------------------------------------------- properties

const digit = fc.integer({ min: 0, max: 9 }).map(String);
const digits = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map((d) => d.join(''));

/** Kyrgyz national numbers (9 digits: 555…, 700…, 312…) in the ways people write them. */
const kgPhone = fc
  .tuple(fc.constantFrom('2', '3', '5', '7', '9'), digits(8), fc.integer({ min: 0, max: 8 }))
  .map(([first, rest, format]) => {
    const n = first + rest;
    const [a, b, c, d] = [n.slice(0, 3), n.slice(3, 5), n.slice(5, 7), n.slice(7)];
    return [
      `+996 ${a} ${b} ${c} ${d}`,
      `+996${n}`,
      `996${n}`,
      `0${n}`,
      `0 ${a} ${b}-${c}-${d}`,
      `0${a} ${n.slice(3)}`,
      `(0${a}) ${b}-${c}-${d}`,
      `+996 (${a}) ${n.slice(3, 6)} ${n.slice(6)}`,
      `0${a} ${n.slice(3, 6)} ${n.slice(6)}`,
    ][format]!;
  });

/** Kazakh and Russian national numbers (10 digits: 701…, 727…, 916…). */
const kzPhone = fc
  .tuple(fc.constantFrom('3', '4', '7', '9'), digits(9), fc.integer({ min: 0, max: 7 }))
  .map(([first, rest, format]) => {
    const n = first + rest;
    const [a, x, y, z] = [n.slice(0, 3), n.slice(3, 6), n.slice(6, 8), n.slice(8)];
    return [
      `+7 ${a} ${n.slice(3)}`,
      `+7 (${a}) ${x}-${y}-${z}`,
      `8 (${a}) ${x}-${y}-${z}`,
      `8${n}`,
      `7${n}`,
      `8 ${a} ${x} ${y} ${z}`,
      `+7${n}`,
      `8-${a}-${x}-${y}-${z}`,
    ][format]!;
  });

const words = fc.constantFrom('мой номер', 'tel', 'звоните', 'менин номерим', 'mon numéro', 'pozvonite', 'срочно!', '', '😀', '(', ':', 'ребенку 3 года', '111', '2026');
/** Surrounding text: realistic words or any string at all. */
const noise = fc.oneof(words, fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ maxLength: 20 }));

/** Any 7 consecutive digits of `number` found in `text`, ignoring the separators phones use. */
function survivingRun(number: string, text: string): string | undefined {
  const numberDigits = number.replace(/\D/g, '');
  const compact = text.replace(/[\s()+-]/g, '');
  for (let i = 0; i + 7 <= numberDigits.length; i++) {
    const run = numberDigits.slice(i, i + 7);
    if (compact.includes(run)) return run;
  }
  return undefined;
}

describe('redact: properties', () => {
  it('redacts every phone number in the usual formats, wherever it appears', () => {
    fc.assert(
      fc.property(noise, fc.oneof(kgPhone, kzPhone), noise, (before, phone, after) => {
        const out = redact(`${before} ${phone} ${after}`);
        expect(survivingRun(phone, out)).toBeUndefined();
        expect(out).toContain('[phone]');
      }),
      { numRuns: 2000 },
    );
  });

  it('redacts every e-mail address', () => {
    fc.assert(
      fc.property(noise, fc.emailAddress(), noise, (before, email, after) => {
        const out = redact(`${before} ${email} ${after}`);
        expect(out).not.toContain(email);
        expect(out).toContain('[email]');
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps hotlines, years, amounts, ages and dates', () => {
    const legit = fc.oneof(
      fc.constantFrom('111', '1899', '102', '112', '150', '115', '103', '101', '1414', '119'),
      fc.integer({ min: 1990, max: 2035 }).map(String),
      fc.constantFrom('15 000 тенге', '5000 сом', '3 года', '12 mois', '150 000 тг', '24.11.2026', '2026-11-24', 'п. 5', 'статья 12', '2023-2025'),
      fc.constantFrom('звоните', 'в', 'году', 'appelez le', 'telefon doveriya', 'чалыңыз', 'или', 'ou'),
    );
    const joiner = fc.constantFrom(' ', ', ', '; ', ' или ', '\n');
    fc.assert(
      fc.property(fc.array(fc.tuple(legit, joiner), { maxLength: 12 }), (parts) => {
        const text = parts.map(([token, join]) => token + join).join('');
        expect(redact(text)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  const anything = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.array(fc.oneof(kgPhone, kzPhone, fc.emailAddress(), digits(12), words, fc.constantFrom('[phone]', '@', '№', 'AN', '+', '-', ' ')), { maxLength: 12 }).map((p) => p.join('')),
    fc.array(fc.oneof(digit, fc.constantFrom(' ', '-', '(', ')', '+', '@', '.', 'a', 'N', '№')), { maxLength: 80 }).map((p) => p.join('')),
  );

  it('is idempotent and never throws', () => {
    fc.assert(
      fc.property(anything, (text) => {
        const once = redact(text);
        expect(redact(once)).toBe(once);
      }),
      { numRuns: 3000 },
    );
  });

  it('changes nothing in text without digits or "@"', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        const plain = text.replace(/[\d@]/g, '');
        expect(redact(plain)).toBe(plain);
      }),
    );
  });

  it('leaves no digit run of seven or more and no e-mail behind', () => {
    fc.assert(
      fc.property(anything, (text) => {
        const out = redact(text).replace(PLACEHOLDER_PATTERN, ' ');
        expect(out).not.toMatch(/\d{7}/);
        expect(out).not.toMatch(/[a-z0-9]@[a-z0-9]+\.[a-z]{2,}/i);
      }),
      { numRuns: 2000 },
    );
  });

  it('stays fast on long hostile input', () => {
    const hostile = ['a'.repeat(100_000) + '@', 'a@' + 'b.'.repeat(50_000), '1 '.repeat(50_000), '8 (7'.repeat(25_000), ('паспорт a ' + '1 '.repeat(3)).repeat(5_000)];
    const started = performance.now();
    for (const text of hostile) redact(text);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
