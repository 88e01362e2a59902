/** Interface strings: one i18next instance per loaded knowledge base (locales reload with it). */
import i18next, { type TFunction } from 'i18next';
import { LANGS, type Lang } from '../types.js';
import type { LocaleResources } from '../kb/load.js';

export type Translate = (lang: Lang, key: string, options?: Record<string, unknown>) => string;

export function createTranslator(locales: Record<Lang, LocaleResources>): Translate {
  const instance = i18next.createInstance();
  void instance.init({
    resources: Object.fromEntries(LANGS.map((lang) => [lang, { translation: locales[lang] }])),
    lng: 'ru',
    fallbackLng: false,
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const fixed = Object.fromEntries(LANGS.map((lang) => [lang, instance.getFixedT(lang)])) as Record<Lang, TFunction>;
  return (lang, key, options) => String(fixed[lang](key, options ?? {}));
}
