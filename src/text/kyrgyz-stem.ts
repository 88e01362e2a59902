/**
 * A light Kyrgyz suffix stripper for matching (no maintained Snowball stemmer exists for Kyrgyz).
 * Kyrgyz stacks suffixes (бала-м-ды "my child" acc., мектеп-ке "to school"): we peel the longest
 * known suffix while at least three letters remain. It works on the folded form (ң→н, ө→о, ү→у),
 * so text typed without the special letters stems the same way.
 */
const SUFFIXES = [
  // plural
  'лар', 'лер', 'лор', 'дар', 'дер', 'дор', 'тар', 'тер', 'тор',
  // genitive, accusative, dative, locative, ablative
  'нын', 'нин', 'нун', 'дын', 'дин', 'дун', 'тын', 'тин', 'тун',
  'ны', 'ни', 'ну', 'ды', 'ди', 'ду', 'ты', 'ти', 'ту',
  'га', 'ге', 'го', 'ка', 'ке', 'ко', 'на', 'не', 'но',
  'да', 'де', 'до', 'та', 'те', 'то', 'нда', 'нде', 'ндо',
  'дан', 'ден', 'дон', 'тан', 'тен', 'тон', 'нан', 'нен', 'нон',
  // possessive
  'ыбыз', 'ибиз', 'убуз', 'ыныз', 'иниз', 'унуз', 'сы', 'си', 'су', 'ым', 'им', 'ум', 'ын', 'ин', 'ун',
  // verbs: infinitive, participles, converbs, tenses, persons, question, polite
  'уу', 'оо', 'ган', 'ген', 'гон', 'кан', 'кен', 'кон', 'ып', 'ип', 'уп', 'ат', 'ет', 'от', 'йт',
  'мын', 'мин', 'мун', 'быз', 'биз', 'буз', 'сыз', 'сиз', 'суз', 'сам', 'сем', 'сом',
  'бы', 'би', 'бу', 'пы', 'пи', 'пу', 'чы', 'чи', 'чу', 'ынча', 'гыла', 'гиле', 'ам', 'ем', 'ом',
  'бай', 'бей', 'бой', 'пай', 'пей', 'пой', 'гы', 'ги', 'гу', 'кы', 'ки', 'ку',
  // single letters last: possessive/dative vowels and 1sg -м
  'м', 'а', 'е', 'о', 'у', 'ы', 'и',
].sort((a, b) => b.length - a.length);

const MIN_STEM = 3;
const MAX_PEELS = 4;

export function stemKyrgyz(word: string): string {
  let stem = word;
  for (let peel = 0; peel < MAX_PEELS; peel++) {
    const suffix = SUFFIXES.find((s) => stem.endsWith(s) && stem.length - s.length >= MIN_STEM);
    if (!suffix) break;
    stem = stem.slice(0, -suffix.length);
  }
  return stem;
}
