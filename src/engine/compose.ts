/**
 * Composes what the user reads: entry answers with their source line, options, the emergency
 * and fallback replies. Every word comes from locales/ or knowledge/.
 */
import { LANGS, USER_COUNTRIES, type Lang, type UserCountry } from '../types.js';
import type { KnowledgeBase } from '../kb/load.js';
import type { DetailKind, Entry, SourcedReply } from '../kb/schema.js';
import { formatCitations } from '../kb/cite.js';
import type { Translate } from './i18n.js';
import type { Reply, ReplyOption } from './types.js';
import type { VariantChoice } from './country.js';

const RELATED_OPTIONS = 2;
/** Language buttons in the order most families need them: Kyrgyz, Russian, French. */
const LANGS_BY_READERS = ['ky', 'ru', 'fr'] as const;
const MENU_SIZE = 10;

export class Composer {
  constructor(
    private readonly kb: KnowledgeBase,
    private readonly t: Translate,
  ) {}

  sourceLine(sourced: Pick<SourcedReply, 'sources' | 'reviewed'>, lang: Lang): string {
    return this.t(lang, 'answer.source', { sources: formatCitations(sourced.sources, this.kb.sources, lang), date: sourced.reviewed });
  }

  entryOption(entry: Entry, lang: Lang): ReplyOption {
    return { action: `entry:${entry.id}`, label: entry.short[lang], entry: entry.id, topics: topicsOf(entry) };
  }

  humanOption(lang: Lang): ReplyOption {
    return { action: 'intent:human', label: this.t(lang, 'action.human') };
  }

  answer(choice: VariantChoice, lang: Lang, confidence: number): Reply {
    const { entry } = choice;
    const parts = [entry.title[lang], entry.answer[lang].trim()];
    if (!choice.countryKnown) {
      const note = this.t(lang, 'answer.country_note', { country: this.t(lang, `entryCountry.${entry.countries[0]}`) });
      parts.push(choice.others.length > 0 ? `${note} ${this.t(lang, 'answer.other_countries')}` : note);
    }
    const source = this.sourceLine(entry, lang);
    parts.push(source);
    const related = entry.related
      .map((id) => this.kb.entries.get(id))
      .filter((e): e is Entry => e !== undefined && !choice.others.includes(e))
      .slice(0, RELATED_OPTIONS);
    return {
      kind: 'answer',
      entry: entry.id,
      topics: topicsOf(entry),
      lang,
      confidence,
      text: parts.join('\n\n'),
      title: entry.title[lang],
      source,
      options: [...choice.others, ...related].map((e) => this.entryOption(e, lang)),
      askFeedback: true,
    };
  }

  clarify(options: readonly Entry[], lang: Lang, confidence: number): Reply {
    const list = options.map((e, i) => `${i + 1}. ${e.title[lang]}`).join('\n');
    const text = [this.t(lang, 'clarify.intro', { count: options.length }), list, this.t(lang, 'clarify.pick')].join('\n\n');
    return {
      kind: 'clarify',
      topics: options.flatMap((e) => topicsOf(e)),
      lang,
      confidence,
      text,
      options: [...options.map((e) => this.entryOption(e, lang)), this.humanOption(lang)],
      askFeedback: false,
    };
  }

  fallback(lang: Lang, confidence: number): Reply {
    return this.honestFallback([this.t(lang, 'fallback.intro')], lang, confidence);
  }

  /** The question asks for a detail the documents do not give: say so, offer what they do say. */
  unknownDetail(detail: DetailKind, entry: Entry, lang: Lang, confidence: number): Reply {
    const intro = [this.t(lang, `unknown.${detail}`), this.t(lang, 'unknown.see_entry', { title: entry.title[lang] })];
    return { ...this.honestFallback(intro, lang, confidence, [this.entryOption(entry, lang)]), detail, topics: topicsOf(entry) };
  }

  private honestFallback(intro: readonly string[], lang: Lang, confidence: number, first: readonly ReplyOption[] = []): Reply {
    const help = this.kb.replies['help-lines'];
    const source = this.sourceLine(help, lang);
    const text = [...intro, `${this.t(lang, 'fallback.can_help')}\n${help.text[lang].trim()}`, this.t(lang, 'fallback.rephrase'), source].join('\n\n');
    return {
      kind: 'fallback',
      topics: [],
      lang,
      confidence,
      text,
      source,
      options: [...first, { action: 'intent:help', label: this.t(lang, 'action.menu') }, this.humanOption(lang)],
      askFeedback: false,
    };
  }

  emergency(lang: Lang): Reply {
    const emergency = this.kb.replies.emergency;
    const hotline = this.kb.entries.get('hotline-111');
    return {
      kind: 'emergency',
      intent: 'emergency',
      topics: [],
      lang,
      confidence: 1,
      text: [emergency.text[lang].trim(), this.sourceLine(emergency, lang)].join('\n\n'),
      source: this.sourceLine(emergency, lang),
      options: [this.humanOption(lang), ...(hotline ? [this.entryOption(hotline, lang)] : [])],
      askFeedback: false,
    };
  }

  /** First contact: the language question, written in all three languages. */
  chooseLanguage(current: Lang | undefined): Reply {
    const lang = current ?? 'ru';
    const text = [this.t(lang, 'welcome'), LANGS.map((l) => this.t(l, 'language.choose')).join(' / ')].join('\n\n');
    const options = LANGS_BY_READERS.map((l) => ({ action: `lang:${l}`, label: this.t(l, `language.${l}`) }));
    return this.intent('start', lang, text, options);
  }

  chooseCountry(lang: Lang, before?: string): Reply {
    const text = [before, this.t(lang, 'country.choose')].filter(Boolean).join('\n\n');
    const options = USER_COUNTRIES.map((c) => ({ action: `country:${c}`, label: this.t(lang, `country.${c}`) }));
    return this.intent('country', lang, text, options);
  }

  /** Small talk and commands: a locale string, sometimes followed by the menu or the help lines. */
  intent(intent: string, lang: Lang, body: string, options: readonly ReplyOption[] = []): Reply {
    return { kind: 'intent', intent, topics: [], lang, confidence: 1, text: body, options, askFeedback: false };
  }

  helpLines(lang: Lang): string {
    const help = this.kb.replies['help-lines'];
    return `${help.text[lang].trim()}\n\n${this.sourceLine(help, lang)}`;
  }

  /** Core topics, one per country group (the user's country picks the variant). */
  menu(lang: Lang, country: UserCountry | undefined, pick: (e: Entry) => Entry): ReplyOption[] {
    const seen = new Set<string>();
    const options: ReplyOption[] = [];
    for (const entry of this.kb.entries.values()) {
      if (!this.kb.topics.get(entry.topic)?.core) continue;
      const key = entry.group ?? entry.id;
      if (seen.has(key)) continue;
      seen.add(key);
      options.push(this.entryOption(country ? pick(entry) : entry, lang));
    }
    return options.slice(0, MENU_SIZE);
  }
}

export function topicsOf(entry: Entry): string[] {
  return [entry.topic, ...entry.topics.filter((t) => t !== entry.topic)];
}
