/**
 * The answer engine: pure and channel-agnostic. A message goes through language detection,
 * the emergency check (before anything else), conversation intents, then knowledge search,
 * and comes back as one Reply plus the updated session.
 */
import { isLang, LANGS, USER_COUNTRIES, type Lang, type UserCountry } from '../types.js';
import type { KnowledgeBase } from '../kb/load.js';
import type { Entry } from '../kb/schema.js';
import { scriptOf } from '../text/fold.js';
import { createAnalyzer, type Analyzer } from './analyze.js';
import { Composer } from './compose.js';
import { chooseVariant, createCountryDetector, type CountryDetector } from './country.js';
import { CALIBRATION, decide, type Calibration, type Decision } from './decide.js';
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

export class Engine {
  readonly analyzer: Analyzer;
  readonly language: LanguageDetector;
  readonly safety: SafetyCheck;
  readonly intents: IntentMatcher;
  readonly countries: CountryDetector;
  readonly knowledge: KnowledgeSearch;
  readonly t: Translate;
  private readonly compose: Composer;

  /** `calibration` is for tuning on the development set; the tuned values are the default. */
  constructor(
    readonly kb: KnowledgeBase,
    private readonly calibration: Calibration = CALIBRATION,
  ) {
    this.analyzer = createAnalyzer(kb.lexicon.stopwords);
    this.language = createLanguageDetector(languageCorpus(kb));
    this.safety = createSafetyCheck(kb.intents.get('emergency')!, this.analyzer);
    this.intents = createIntentMatcher(kb.intents.values(), this.analyzer);
    this.countries = createCountryDetector(kb.lexicon, this.analyzer);
    this.knowledge = createKnowledgeSearch(kb.entries.values(), this.analyzer);
    this.t = createTranslator(kb.locales);
    this.compose = new Composer(kb, this.t);
  }

  /** One turn of a conversation. Never throws on any input string. */
  turn(inbound: Inbound, session: Session = {}): TurnResult {
    const next: Session = { ...session };
    delete next.options;
    if (inbound.action) return this.finish(this.act(inbound.action, next), next);

    const text = inbound.text ?? '';
    const guess = this.language.detect(text.slice(0, MAX_MESSAGE_CHARS), session.lang);
    const lang = guess.lang;
    if (!next.lang && guess.fromText) next.lang = lang;

    // Safety first: read the whole message, however long, before anything else.
    if (this.safety.isEmergency(text)) return this.finish(this.compose.emergency(lang), next);
    if (text.trim() === '') return this.finish(this.compose.intent('error', lang, this.t(lang, 'error.empty')), next);
    if (text.length > MAX_MESSAGE_CHARS) {
      return this.finish(this.compose.intent('error', lang, this.t(lang, 'error.too_long', { count: text.length })), next);
    }

    const picked = /^\s*(\d{1,2})\s*[.)]?\s*$/.exec(text);
    const pickedAction = picked ? session.options?.[Number(picked[1]) - 1] : undefined;
    if (pickedAction) return this.finish(this.act(pickedAction, next, lang), next);

    // A message that is plainly small talk is an intent; otherwise a confident answer beats a loose
    // intent match ("по каким вопросам звонить на 1899" is a question, not a request for the menu).
    const intent = this.intents.match(text);
    const plainIntent = intent && intent.score === 1 && intent.closeness >= PLAIN_INTENT_CLOSENESS;
    if (intent && plainIntent) return this.finish(this.intentReply(intent.intent, intent.value, lang, next), next);
    const country = this.countries.detect(text) ?? session.country;
    const decision = this.search(text, lang);
    if (intent && decision.kind !== 'answer') return this.finish(this.intentReply(intent.intent, intent.value, lang, next), next);
    return this.finish(this.fromDecision(decision, lang, country), next);
  }

  /** Searches in the message's language, then in the languages it could be mistaken for. */
  private search(text: string, lang: Lang): Decision {
    let best = decide(this.knowledge.search(text, lang), this.kb.entries, this.calibration);
    if (best.kind === 'answer') return best;
    const script = scriptOf(text);
    const others = LANGS.filter((l) => l !== lang && (script === 'latin' || l !== 'fr'));
    for (const other of others) {
      const decision = decide(this.knowledge.search(text, other), this.kb.entries, this.calibration);
      if (decision.confidence > best.confidence) best = decision;
    }
    return best;
  }

  private fromDecision(decision: Decision, lang: Lang, country: UserCountry | undefined): Reply {
    const entries = decision.entries.map((id) => this.kb.entries.get(id)!);
    if (decision.kind === 'answer') {
      return this.compose.answer(chooseVariant(entries[0]!, this.kb.entries, country), lang, decision.confidence);
    }
    if (decision.kind === 'clarify') {
      const options = entries.map((e) => (country ? chooseVariant(e, this.kb.entries, country).entry : e));
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
    if (kind === 'lang' && isLang(value)) return this.intentReply('change-language', value, value, session);
    if (kind === 'country' && (USER_COUNTRIES as readonly string[]).includes(value)) {
      session.country = value as UserCountry;
      const last = session.lastEntry ? this.kb.entries.get(session.lastEntry) : undefined;
      if (last?.group) return this.compose.answer(chooseVariant(last, this.kb.entries, session.country), lang, 1);
      return this.compose.intent('country', lang, this.t(lang, 'country.saved', { country: this.t(lang, `country.${value}`) }));
    }
    if (kind === 'feedback') return this.intentReply('feedback', value === 'up' ? 'positive' : 'negative', lang, session);
    if (kind === 'intent') return this.intentReply(value, undefined, lang, session);
    return this.intentReply('help', undefined, lang, session);
  }

  private intentReply(intent: string, value: string | undefined, lang: Lang, session: Session): Reply {
    const menu = () => this.compose.menu(lang, session.country, (e) => this.variantFor(e, session.country));
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

  private variantFor(entry: Entry, country: UserCountry | undefined): Entry {
    return chooseVariant(entry, this.kb.entries, country).entry;
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
