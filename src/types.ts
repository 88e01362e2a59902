/** The languages Jardam speaks, and the countries a user can live in. */
export const LANGS = ['fr', 'ru', 'ky'] as const;
export type Lang = (typeof LANGS)[number];

/** Where a user lives (stored choice or named in a message). */
export const USER_COUNTRIES = ['KZ', 'KG', 'RU', 'OTHER'] as const;
export type UserCountry = (typeof USER_COUNTRIES)[number];

/** Which countries an entry is about (the topic catalogue's codes). */
export const ENTRY_COUNTRIES = ['KZ', 'KG', 'EAEU', 'ABROAD'] as const;
export type EntryCountry = (typeof ENTRY_COUNTRIES)[number];

export type PerLang<T> = Record<Lang, T>;

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

/** Where a family talks to Jardam. */
export const CHANNELS = ['telegram', 'whatsapp', 'web'] as const;
export type Channel = (typeof CHANNELS)[number];

/** A family as its channel knows it (chat id, phone number, web session). */
export interface UserRef {
  readonly channel: Channel;
  readonly id: string;
}
