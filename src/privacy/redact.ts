/**
 * Redaction of personal numbers and addresses before any message text is stored: phone numbers,
 * identity/passport/document numbers, bank cards and e-mail addresses become `[phone]`,
 * `[document]` and `[email]` (language-neutral, so one report reads the same in fr, ru and ky).
 *
 * What must survive: the hotlines (111, 1899, 102, 112, 150, 115…), years, ages, amounts
 * ("15 000 тенге", "5000 сом", "12 mois"), dates (24.11.2026, 2026-11-24), article and paragraph
 * numbers. So every number pattern below needs either a phone's shape (a country or trunk prefix
 * and the right digit count, or phone-style grouping) or at least six or seven digits in a row,
 * which no hotline, year, date or everyday amount has. When in doubt we redact: a lost number in a
 * stored question costs an administrator little, a leaked one costs a family much.
 *
 * Only ASCII digits are read (people type them on every phone keyboard). The rules run in order,
 * most specific first (an e-mail may hold digits, a phone may look like a long run), and the whole
 * set is repeated until nothing changes, which makes `redact` idempotent by construction: each
 * replacement removes at least one digit or "@" and the placeholders contain neither.
 */

export const PLACEHOLDER = { phone: '[phone]', document: '[document]', email: '[email]' } as const;
export type RedactionKind = keyof typeof PLACEHOLDER;

/** The placeholders as they appear in redacted text (e.g. to leave them out of word statistics). */
export const PLACEHOLDER_PATTERN = /\[(?:phone|document|email)\]/g;

/** Spaces people put inside numbers (including the no-break ones phones paste). */
const SPACE = '[ \\t\\u00a0\\u2007\\u202f]';
/** Between two digits of a phone: up to three spaces, dashes or brackets ("8 (701) 123-45-67"). */
const SEP = `(?:[ \\t\\u00a0\\u2007\\u202f()\\-\\u2010\\u2011\\u2013\\u2014]{0,3})`;
/** Exactly `n` more digits, each possibly after a separator. */
const more = (n: number | string): string => `(?:${SEP}\\d){${n}}`;
/** Not inside a longer number. */
const START = '(?<!\\d)';
const END = '(?!\\d)';

/** Words after a number that make it an amount, never a document ("2000000 тенге", "1500000 som"). */
const CURRENCY = new RegExp(
  `^${SPACE}?(?:тенге|теңге|тг|₸|kzt|tenge|tg|сом|som|kgs|руб|rub|₽|р\\.|евро|euro|eur|€|\\$|usd|доллар|dollar|долл|млн|mln|тыс|mille|million)`,
  'iu',
);

interface Rule {
  /** Why the pattern exists, for whoever edits it next. */
  readonly why: string;
  readonly pattern: RegExp;
  readonly kind: RedactionKind;
  /** Return true to keep a match (an amount, a list of years). */
  readonly keep?: (match: string, after: string) => boolean;
  /** When the kind depends on the match. */
  readonly kindOf?: (match: string) => RedactionKind;
}

const isAmount = (_match: string, after: string): boolean => CURRENCY.test(after);

/**
 * Four-digit groups that start with a year or a hotline ("2023 2024 2025 2026", "1899 2024…"):
 * card numbers start with 2 to 9 (Mir 2200, Visa 4, Mastercard 5 and 2221–2720, Elcard 9417) and
 * never with 20xx or 1.
 */
const notACard = (match: string): boolean => /^(?:[01]|20)/.test(match);

/** Characters of an e-mail's local part (RFC 5322 "atext" plus dots, and any letter or digit). */
const LOCAL = "[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~.\\-]";
/** One domain label: letters, digits, inner hyphens. */
const LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{N}\\-]*[\\p{L}\\p{N}])?';

/** Words that announce an identity or document number, in the three languages and Latin-letter Russian. */
const DOCUMENT_WORDS = [
  'паспорт\\p{L}*', 'пасп', 'pasport\\p{L}*', 'passport\\p{L}*', 'passeport',
  'удостоверени\\p{L}*', 'udostoverenie\\p{L}*', 'свидетельств\\p{L}*', 'svidetelstv\\p{L}*',
  'куболук\\p{L}*', 'күбөлүк\\p{L}*', 'инсандык\\p{L}*',
  'иин', 'iin', 'жсн', 'пин', 'pin', 'инн', 'inn', 'снилс', 'snils', 'id', 'айди', 'внж', 'vnzh', 'рвп',
  'документ\\p{L}*', 'dokument\\p{L}*', 'document\\p{L}*',
  "titre de s[eé]jour", "carte de s[eé]jour", "carte d'identit[eé]", "pi[eè]ce d'identit[eé]", 's[eé]curit[eé] sociale',
].join('|');

/** A document number: optional series letters, optional №, then six digits or more (spaces and dashes allowed). */
const DOCUMENT_CODE = `(?:[IVX]{1,4}-)?(?:\\p{L}{1,3}${SPACE}?[\\-]?)?(?:№${SPACE}?)?\\d(?:[ \\-]?\\d){5,}`;

/** Seven to eleven digits alone read as a phone; longer runs are document, card or account numbers. */
const LONGEST_PHONE_RUN = 11;

const RULES: readonly Rule[] = [
  {
    why: 'e-mail addresses, also with Cyrillic domains (почта@mail.ru, ivan@почта.рф)',
    pattern: new RegExp(`(?<!${LOCAL})${LOCAL}+@${LABEL}(?:\\.${LABEL})*\\.\\p{L}[\\p{L}\\p{N}\\-]*`, 'gu'),
    kind: 'email',
  },
  // Phones with a country prefix: Kazakhstan and Russia (+7, 11 digits), Kyrgyzstan (+996, 12 digits).
  { why: '+7 701 1234567, +7 (701) 123-45-67', pattern: new RegExp(`${START}\\(?\\+${SEP}7${more(10)}${END}`, 'gu'), kind: 'phone' },
  { why: '+996 555 12 34 56, +996555123456', pattern: new RegExp(`${START}\\(?\\+${SEP}996${more(9)}${END}`, 'gu'), kind: 'phone' },
  { why: 'any other international number (+33 6 12 34 56 78, +998…): 8 to 15 digits', pattern: new RegExp(`${START}\\(?\\+${SEP}\\d${more('7,14')}${END}`, 'gu'), kind: 'phone' },
  { why: 'Kyrgyz number with the country code but no plus: 996555123456', pattern: new RegExp(`${START}\\(?996${more(9)}${END}`, 'gu'), kind: 'phone' },
  { why: 'Kazakh/Russian trunk prefix 8 (or 7 without the plus), 11 digits: 8 (701) 123-45-67, 87011234567', pattern: new RegExp(`${START}\\(?[78]${more(10)}${END}`, 'gu'), kind: 'phone' },
  { why: 'Kyrgyz (and French) trunk prefix 0, 10 digits: 0555123456, 0 555 12-34-56, (0312) 62-12-34', pattern: new RegExp(`${START}\\(?0${more(9)}${END}`, 'gu'), kind: 'phone' },
  { why: 'mobile without prefix, grouped like a phone: 555 12 34 56, (701) 123 45 67', pattern: new RegExp(`${START}\\(?\\d{3}\\)?${SPACE}?[\\-]?${SPACE}?\\d{2,3}[ \\-]\\d{2}[ \\-]\\d{2}${END}`, 'gu'), kind: 'phone' },
  { why: 'operator code then subscriber number: 555 123456, 701 1234567', pattern: new RegExp(`${START}\\d{3}[ \\-]\\d{6,7}${END}`, 'gu'), kind: 'phone' },
  { why: 'local number with dashes: 123-45-67, 62-12-34 (dates use dots or a four-digit year)', pattern: /(?<![\d-])\d{2,3}-\d{2}-\d{2}(?![\d-])/g, kind: 'phone' },
  {
    why: 'bank card in groups of four (13 to 19 digits), not a list of years: 4400 4302 1234 5678',
    pattern: new RegExp(`${START}\\d{4}(?:[ \\-]\\d{4}){3}(?:[ \\-]?\\d{1,3})?${END}`, 'gu'),
    kind: 'document',
    keep: notACard,
  },
  { why: 'American Express style card: 3712 345678 90123', pattern: new RegExp(`${START}\\d{4}[ \\-]\\d{6}[ \\-]\\d{5}${END}`, 'gu'), kind: 'document' },
  { why: 'Russian SNILS: 123-456-789 01', pattern: new RegExp(`${START}\\d{3}-\\d{3}-\\d{3}[ \\-]\\d{2}${END}`, 'gu'), kind: 'document' },
  {
    why: 'Russian passport, series then number: 45 12 345678, 4512 345678 (not "2024 150000")',
    pattern: new RegExp(`${START}(?!(?:19|20)\\d\\d${SPACE})\\d{2}${SPACE}?\\d{2}${SPACE}\\d{6}${END}`, 'gu'),
    kind: 'document',
  },
  {
    why: 'a number announced as a document: паспорт № 1234567, ID карта 123456789, ИИН 870101300123, titre de séjour n° 1234567',
    pattern: new RegExp(`(?<=(?<![\\p{L}\\p{N}])(?:${DOCUMENT_WORDS})(?![\\p{L}])[^\\d\\n]{0,15})(?<![\\p{L}])${DOCUMENT_CODE}${END}`, 'giu'),
    kind: 'document',
    keep: isAmount,
  },
  { why: 'a number after the sign №, six digits or more: № 123456 (law numbers are shorter)', pattern: new RegExp(`№${SPACE}?\\d{6,}${END}`, 'gu'), kind: 'document', keep: isAmount },
  {
    why: 'passport series then number: AN1234567, ID1234567, N 12345678, АС 1234567, I-АН 123456; lower case only when glued (an1234567)',
    pattern: new RegExp(`(?<![\\p{L}\\p{N}])(?:[IVX]{1,4}-)?(?:[A-ZА-ЯЁ]{1,2}${SPACE}?(?:№${SPACE}?)?|[a-zа-яё]{1,2})\\d{6,9}${END}`, 'gu'),
    kind: 'document',
    keep: isAmount,
  },
  {
    why: 'any other run of seven digits or more: a phone if it has a phone length (7 to 11), else an IIN/PIN (12, 14), card (13–19) or account',
    pattern: new RegExp(`${START}\\d{7,}${END}`, 'gu'),
    kind: 'phone',
    kindOf: (match) => (match.length > LONGEST_PHONE_RUN ? 'document' : 'phone'),
    keep: isAmount,
  },
];

function applyRule(text: string, rule: Rule): string {
  return text.replace(rule.pattern, (match: string, ...args: unknown[]) => {
    // replace() passes (match, ...groups, offset, whole); our patterns have no capture groups.
    const offset = args[args.length - 2] as number;
    const after = text.slice(offset + match.length, offset + match.length + 16);
    if (rule.keep?.(match, after)) return match;
    return PLACEHOLDER[rule.kindOf?.(match) ?? rule.kind];
  });
}

function redactOnce(text: string): string {
  // Cheap guards: no "@" means no e-mail, fewer than six digits means no number rule can match.
  let out = text.includes('@') ? applyRule(text, RULES[0]!) : text;
  if ((out.match(/\d/g)?.length ?? 0) < 6) return out;
  for (const rule of RULES.slice(1)) out = applyRule(out, rule);
  return out;
}

/** The text with phone numbers, document numbers, bank cards and e-mail addresses replaced. Never throws. */
export function redact(text: string): string {
  let out = typeof text === 'string' ? text : String(text ?? '');
  // Each pass removes at least one digit or "@" when it changes anything, so this ends.
  for (;;) {
    const next = redactOnce(out);
    if (next === out) return out;
    out = next;
  }
}
