/**
 * The answer engine: pure and channel-agnostic. A message goes through language detection,
 * the emergency check (before anything else), conversation intents, then knowledge search,
 * and comes back as one Reply plus the updated session.
 */
import { isLang, LANGS, USER_COUNTRIES, type Lang, type UserCountry } from '../types.js';
import type { KnowledgeBase } from '../kb/load.js';
import type { DetailKind, Entry } from '../kb/schema.js';
import { scriptOf } from '../text/fold.js';
import { createAnalyzer, type Analyzer } from './analyze.js';
import { Composer } from './compose.js';
import { chooseVariant, createCountryDetector, type CountryDetector } from './country.js';
import { CALIBRATION, decide, type Calibration, type Decision } from './decide.js';
import { createCueMatcher, type CueMatcher } from './cues.js';
import { createDetailDetector, type DetailDetector } from './details.js';
import { createTranslator, type Translate } from './i18n.js';
import { createIntentMatcher, type IntentMatcher } from './intents.js';
import { createLanguageDetector, type LanguageDetector } from './language.js';
import { createSafetyCheck, type SafetyCheck } from './safety.js';
import { createKnowledgeSearch, type KnowledgeSearch } from './search.js';
import type { Inbound, Reply, Session, TurnResult } from './types.js';

/** Longer messages are refused politely (after the emergency check has read them). */
export const MAX_MESSAGE_CHARS = 2000;
/** An intent match this close to one of its phrasings needs no knowledge search. */
const PLAIN_INTENT_CLOSENESS = 0.5;
/** An intent explaining this share of the message, close to one of its phrasings, is strong… */
const STRONG_INTENT_SCORE = 0.8;
/** …and yields only to an answer this sure. */
const SURE_ANSWER = 0.9;

/** The built stages of an engine: expensive to build, shared by engines that differ only in calibration. */
export interface EngineParts {
  readonly analyzer: Analyzer;
  readonly language: LanguageDetector;
  readonly safety: SafetyCheck;
  readonly intents: IntentMatcher;
  readonly countries: CountryDetector;
  readonly knowledge: KnowledgeSearch;
  readonly details: DetailDetector;
  readonly offTopic: CueMatcher;
  readonly t: Translate;
}

export function buildParts(kb: KnowledgeBase): EngineParts {
  const analyzer = createAnalyzer(kb.lexicon.stopwords);
  return {
    analyzer,
    language: createLanguageDetector(languageCorpus(kb)),
    safety: createSafetyCheck(kb.intents.get('emergency')!, analyzer),
    intents: createIntentMatcher(kb.intents.values(), analyzer),
    countries: createCountryDetector(kb.lexicon, analyzer),
    knowledge: createKnowledgeSearch(kb.entries.values(), analyzer),
    details: createDetailDetector(kb.lexicon, analyzer),
    offTopic: createCueMatcher(kb.lexicon.off_topic, analyzer),
    t: createTranslator(kb.locales),
  };
}

export class Engine {
  /** Interface strings, the one part nearly every caller needs. */
  readonly t: Translate;
  private readonly compose: Composer;

  /** `calibration` is for tuning on the development set; the tuned values are the default. */
  constructor(
    readonly kb: KnowledgeBase,
    readonly calibration: Calibration = CALIBRATION,
    readonly parts: EngineParts = buildParts(kb),
  ) {
    this.t = parts.t;
    this.compose = new Composer(kb, this.t);
  }

  /** A short reply outside a turn (unsupported media, rate limit): one locale string, no options. */
  notice(intent: string, lang: Lang, key: string): Reply {
    return this.compose.intent(intent, lang, this.t(lang, key));
  }

  /** The same engine with other decision weights (for tuning), sharing the built indexes. */
  withCalibration(calibration: Calibration): Engine {
    return new Engine(this.kb, calibration, this.parts);
  }

  /** One turn of a conversation. Never throws on any input string. */
  turn(inbound: Inbound, session: Session = {}): TurnResult {
    const next: Session = { ...session };
    delete next.options;
    if (inbound.action) return this.finish(this.act(inbound.action, next), next);

    const text = inbound.text ?? '';
    const guess = this.parts.language.detect(text.slice(0, MAX_MESSAGE_CHARS), session.lang);
    const lang = guess.lang;
    if (!next.lang && guess.fromText) next.lang = lang;

    // Safety first: read the whole message, however long, before anything else.
    const safety = this.parts.safety.level(text);
    const emergency = () => this.finish(this.compose.emergency(lang), next);
    if (safety === 'urgent') return emergency();
    if (text.trim() === '') return this.finish(this.compose.intent('error', lang, this.t(lang, 'error.empty')), next);
    if (text.length > MAX_MESSAGE_CHARS) {
      if (safety !== 'none') return emergency();
      return this.finish(this.compose.intent('error', lang, this.t(lang, 'error.too_long', { count: text.length })), next);
    }
    const country = this.parts.countries.detect(text) ?? session.country;
    const asked = this.parts.details.detect(text);
    // A question about the law on violence, naming nobody of the writer's own: the entry (which
    // opens with 111) when the engine is sure of it, the emergency reply otherwise.
    if (safety === 'informational') {
      const decision = this.searchAsked(text, lang, asked);
      return decision.kind === 'answer' ? this.finish(this.fromDecision(decision, lang, country, asked), next) : emergency();
    }

    const picked = /^\s*(\d{1,2})\s*[.)]?\s*$/.exec(text);
    const pickedAction = picked ? session.options?.[Number(picked[1]) - 1] : undefined;
    if (pickedAction) return this.finish(this.act(pickedAction, next, lang), next);

    // A message that is plainly small talk is an intent; otherwise a confident answer beats a loose
    // intent match ("по каким вопросам звонить на 1899" is a question, not a request for the menu).
    const intent = this.parts.intents.match(text);
    const plainIntent = intent && intent.score === 1 && intent.closeness >= PLAIN_INTENT_CLOSENESS;
    if (intent && plainIntent) return this.finish(this.intentReply(intent.intent, intent.value, lang, next), next);
    const decision = this.searchAsked(text, lang, asked);
    // A strong intent ("vous pouvez répondre en russe ?") beats all but a very sure answer.
    const strongIntent = intent && (intent.score === 1 || (intent.score >= STRONG_INTENT_SCORE && intent.closeness >= PLAIN_INTENT_CLOSENESS));
    if (intent && (decision.kind !== 'answer' || (strongIntent && decision.confidence < SURE_ANSWER))) {
      return this.finish(this.intentReply(intent.intent, intent.value, lang, next), next);
    }
    // Exchange rates, SIM cards, tickets…: honest fallback, unless an entry is a sure match.
    if (decision.confidence < SURE_ANSWER && this.parts.offTopic.matches(text)) return this.finish(this.compose.fallback(lang, decision.confidence), next);
    return this.finish(this.fromDecision(decision, lang, country, asked), next);
  }

  /**
   * For caseworkers relaying an answer: the reply to a question asked in any language, written in
   * `lang` (the search reads the question in its own language). No session, no intents.
   */
  answerIn(text: string, lang: Lang, country?: UserCountry): Reply {
    if (this.parts.safety.level(text) === 'urgent') return this.compose.emergency(lang);
    const asked = this.parts.details.detect(text);
    const decision = this.searchAsked(text, this.parts.language.detect(text).lang, asked);
    return this.fromDecision(decision, lang, this.parts.countries.detect(text) ?? country, asked);
  }

  /**
   * With a detail asked ("combien de jours…", "сколько стоит…"), the words about the detail must
   * not choose the entry by themselves: the message is searched without them, and the whole
   * message's answer is kept only if it gives the detail and is also among the topics found
   * without those words.
   */
  private searchAsked(text: string, lang: Lang, asked: readonly DetailKind[]): Decision {
    if (asked.length === 0) return this.search(() => text, lang);
    const stripped = this.search((l) => this.parts.details.strip(text, l, asked), lang);
    const whole = this.search(() => text, lang);
    const top = whole.kind === 'answer' ? this.kb.entries.get(whole.entries[0]!) : undefined;
    const givesDetail = top && asked.every((d) => top.details.includes(d));
    const sameTopic = top && stripped.candidates.slice(0, 3).some(({ entry: id }) => id === top.id || (top.group !== undefined && this.kb.entries.get(id)?.group === top.group));
    return givesDetail && sameTopic ? whole : stripped;
  }

  /** Searches in the message's language, then in the languages it could be mistaken for (`query` gives each one's reading). */
  private search(query: (lang: Lang) => string, lang: Lang): Decision {
    let best = decide(this.parts.knowledge.search(query(lang), lang), this.kb.entries, this.calibration);
    if (best.kind === 'answer') return best;
    const script = scriptOf(query('fr'));
    const others = LANGS.filter((l) => l !== lang && (script === 'latin' || l !== 'fr'));
    for (const other of others) {
      const decision = decide(this.parts.knowledge.search(query(other), other), this.kb.entries, this.calibration);
      if (decision.confidence > best.confidence) best = decision;
    }
    return best;
  }

  private fromDecision(decision: Decision, lang: Lang, country: UserCountry | undefined, asked: readonly DetailKind[]): Reply {
    const entries = decision.entries.map((id) => this.kb.entries.get(id)!);
    const choice = entries[0] && chooseVariant(entries[0], this.kb.entries, country, decision.candidates);
    // A price, address, hours, number or deadline the entry does not give: say so, never a near miss.
    const missing = choice && asked.find((detail) => !choice.entry.details.includes(detail));
    if (choice && missing) return this.compose.unknownDetail(missing, choice.entry, lang, decision.confidence);
    if (decision.kind === 'answer' && choice) return this.compose.answer(choice, lang, decision.confidence);
    if (decision.kind === 'clarify') {
      const options = entries.map((e) => (country ? chooseVariant(e, this.kb.entries, country, decision.candidates).entry : e));
      return this.compose.clarify(options, lang, decision.confidence);
    }
    return this.compose.fallback(lang, decision.confidence);
  }

  /** Buttons and numbered choices. Unknown actions get the menu rather than an error. */
  private act(action: string, session: Session, replyLang?: Lang): Reply {
    const lang = replyLang ?? session.lang ?? 'ru';
    const [kind, value = ''] = action.split(':', 2) as [string, string?];
    if (kind === 'entry') {
      const entry = this.kb.entries.get(value);
      if (entry) return this.compose.answer({ entry, others: [], countryKnown: true }, lang, 1);
    }
    if (kind === 'start') return this.compose.chooseLanguage(session.lang ?? (isLang(value) ? value : undefined));
    if (kind === 'ask' && value === 'lang') return this.compose.chooseLanguage(session.lang ?? lang);
    if (kind === 'ask' && value === 'country') return this.compose.chooseCountry(lang);
    if (kind === 'lang' && isLang(value)) {
      const changed = this.intentReply('change-language', value, value, session);
      // First steps: a family that has just picked a language is asked where it lives next.
      return session.country ? changed : this.compose.chooseCountry(value, changed.text);
    }
    if (kind === 'country' && (USER_COUNTRIES as readonly string[]).includes(value)) {
      session.country = value as UserCountry;
      const last = session.lastEntry ? this.kb.entries.get(session.lastEntry) : undefined;
      if (last?.group) return this.compose.answer(chooseVariant(last, this.kb.entries, session.country), lang, 1);
      const saved = this.t(lang, 'country.saved', { country: this.t(lang, `country.${value}`) });
      return this.compose.intent('country', lang, `${saved}\n\n${this.t(lang, 'menu.title')}`, this.menuFor(lang, session.country));
    }
    if (kind === 'feedback') return this.intentReply('feedback', value === 'up' ? 'positive' : 'negative', lang, session);
    if (kind === 'intent') return this.intentReply(value, undefined, lang, session);
    return this.intentReply('help', undefined, lang, session);
  }

  private intentReply(intent: string, value: string | undefined, lang: Lang, session: Session): Reply {
    const menu = () => this.menuFor(lang, session.country);
    switch (intent) {
      case 'change-language': {
        const target = isLang(value) ? value : lang;
        session.lang = target;
        return this.compose.intent(intent, target, this.t(target, 'intent.language_changed'));
      }
      case 'feedback':
        return value === 'negative'
          ? this.compose.intent(intent, lang, this.t(lang, 'feedback.sorry'), [this.compose.humanOption(lang)])
          : this.compose.intent(intent, lang, this.t(lang, 'feedback.thanks'));
      case 'human':
        return this.compose.intent(intent, lang, `${this.t(lang, 'intent.human')}\n\n${this.compose.helpLines(lang)}`);
      case 'greeting':
      case 'help':
        return this.compose.intent(intent, lang, this.t(lang, `intent.${intent}`), menu());
      case 'thanks':
      case 'goodbye':
        return this.compose.intent(intent, lang, this.t(lang, `intent.${intent}`));
      default:
        return this.compose.intent('help', lang, this.t(lang, 'intent.help'), menu());
    }
  }

  private menuFor(lang: Lang, country: UserCountry | undefined) {
    return this.compose.menu(lang, country, (e: Entry) => chooseVariant(e, this.kb.entries, country).entry);
  }

  private finish(reply: Reply, session: Session): TurnResult {
    if (reply.entry) session.lastEntry = reply.entry;
    if (reply.options.length > 0) session.options = reply.options.map((o) => o.action);
    return { reply, session };
  }
}

/** Everything written in each language teaches the language detector. */
function languageCorpus(kb: KnowledgeBase): Record<Lang, string[]> {
  const corpus: Record<Lang, string[]> = { fr: [], ru: [], ky: [] };
  for (const entry of kb.entries.values()) {
    for (const lang of LANGS) corpus[lang].push(entry.title[lang], entry.answer[lang], ...entry.questions[lang]);
  }
  for (const intent of kb.intents.values()) {
    for (const lang of LANGS) {
      corpus[lang].push(...(intent.examples?.[lang] ?? []));
      for (const byLang of Object.values(intent.values ?? {})) corpus[lang].push(...byLang[lang]);
    }
  }
  return corpus;
}
