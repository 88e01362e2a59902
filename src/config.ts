/**
 * Server configuration from environment variables, checked with zod. With nothing set, the web
 * chat runs on port 3000; Telegram and WhatsApp switch on when their settings are present.
 * Every error names the variable.
 */
import { z } from 'zod';
import { LANGS, type Lang } from './types.js';

const optional = z
  .string()
  .transform((s) => s.trim())
  .optional()
  .transform((s) => (s === '' ? undefined : s));
const url = (name: string) => z.url({ message: `${name} must be a URL such as https://example.org` }).transform((u) => u.replace(/\/+$/, ''));
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { message: 'must be true or false' })
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const envSchema = z.object({
  PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: optional.pipe(url('PUBLIC_URL').optional()),
  DATA_DIR: z.string().min(1).default('data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEB_CHAT: flag.default(true),
  WEB_SESSION_SECRET: optional.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(20),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  WATCH_KNOWLEDGE: flag.default(true),
  TELEGRAM_BOT_TOKEN: optional.pipe(z.string().regex(/^\d+:[\w-]+$/, 'looks wrong: expected 123456:ABC-token from @BotFather').optional()),
  TELEGRAM_MODE: optional.pipe(z.enum(['webhook', 'polling']).optional()),
  TELEGRAM_WEBHOOK_SECRET: optional.pipe(z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'use 16–256 letters, digits, _ or -').optional()),
  TELEGRAM_API_ROOT: url('TELEGRAM_API_ROOT').default('https://api.telegram.org'),
  TELEGRAM_API_DEADLINE_MS: z.coerce.number().int().min(1_000).max(240_000).default(60_000),
  WHATSAPP_ACCESS_TOKEN: optional,
  WHATSAPP_PHONE_NUMBER_ID: optional.pipe(z.string().regex(/^\d+$/, 'must be the numeric phone number id').optional()),
  WHATSAPP_APP_SECRET: optional,
  WHATSAPP_VERIFY_TOKEN: optional,
  WHATSAPP_GRAPH_URL: url('WHATSAPP_GRAPH_URL').default('https://graph.facebook.com/v21.0'),
  DATABASE_URL: optional.pipe(z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (leave it unset for SQLite in DATA_DIR)').optional()),
  USER_KEY_SECRET: optional.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  CONSOLE_SECRET: optional.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  METRICS_TOKEN: optional.pipe(z.string().regex(/^\S{16,}$/, 'must be at least 16 characters, without spaces').optional()),
  RETENTION_DAYS: z.coerce.number({ message: 'must be a number of days' }).int().min(1).max(3650).default(90),
  CASEWORKER_CHAT_ID: optional.pipe(z.string().regex(/^-?\d+$/, 'must be the numeric id of the caseworkers\' Telegram group (such as -1001234567890)').optional()),
  CASEWORKER_TELEGRAM_IDS: optional.pipe(
    z
      .string()
      .regex(/^\d+(\s*,\s*\d+)*$/, 'must be numeric Telegram user ids separated by commas')
      .transform((s) => s.split(',').map((id) => id.trim()))
      .optional(),
  ),
  CASEWORKER_LANG: z.enum(LANGS, { message: 'must be fr, ru or ky' }).default('ru'),
});

export interface TelegramConfig {
  readonly token: string;
  readonly mode: 'webhook' | 'polling';
  readonly webhookSecret?: string;
  readonly apiRoot: string;
  /** How long one Bot API call may take, its retries included. */
  readonly apiDeadlineMs: number;
}

export interface WhatsAppConfig {
  readonly accessToken: string;
  readonly phoneNumberId: string;
  readonly appSecret: string;
  readonly verifyToken: string;
  readonly graphUrl: string;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly publicUrl?: string;
  readonly dataDir: string;
  readonly logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  readonly webChat: boolean;
  readonly webSessionSecret?: string;
  readonly ratePerMinute: number;
  readonly shutdownTimeoutMs: number;
  /** Reload knowledge/, intents/ and locales/ when they change, keeping the last good version on errors. */
  readonly watchKnowledge: boolean;
  readonly telegram?: TelegramConfig;
  readonly whatsapp?: WhatsAppConfig;
  /** PostgreSQL for several instances; SQLite in the data directory without it. */
  readonly databaseUrl?: string;
  /** Keys the pseudonyms users are stored under; generated into the data directory when unset. */
  readonly userKeySecret?: string;
  /** Signs console login cookies; generated into the data directory when unset. */
  readonly consoleSecret?: string;
  /** When set, `/metrics` wants `Authorization: Bearer <token>`; open otherwise (restrict it at the proxy). */
  readonly metricsToken?: string;
  /** Days personal data (unanswered questions, closed tickets, idle users' settings) is kept. */
  readonly retentionDays: number;
  readonly caseworkers: CaseworkerConfig;
}

export interface CaseworkerConfig {
  /** The Telegram group where tickets are posted and caseworkers act. */
  readonly chatId?: string;
  /** Telegram user ids allowed to act (besides accounts linked to a Telegram id). */
  readonly telegramIds: readonly string[];
  /** The language of what caseworkers read (ticket posts, console). */
  readonly lang: Lang;
}

export class ConfigError extends Error {}

const WHATSAPP_VARS = ['WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN'] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
  }
  const e = parsed.data;
  const problems: string[] = [];

  let telegram: TelegramConfig | undefined;
  if (e.TELEGRAM_BOT_TOKEN) {
    const mode = e.TELEGRAM_MODE ?? (e.PUBLIC_URL ? 'webhook' : 'polling');
    if (mode === 'webhook' && !e.TELEGRAM_WEBHOOK_SECRET) problems.push('TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_MODE is webhook');
    if (mode === 'webhook' && !e.PUBLIC_URL) problems.push('PUBLIC_URL: required when TELEGRAM_MODE is webhook (Telegram must reach the server)');
    telegram = { token: e.TELEGRAM_BOT_TOKEN, mode, apiRoot: e.TELEGRAM_API_ROOT, apiDeadlineMs: e.TELEGRAM_API_DEADLINE_MS, ...(e.TELEGRAM_WEBHOOK_SECRET ? { webhookSecret: e.TELEGRAM_WEBHOOK_SECRET } : {}) };
  } else if (e.TELEGRAM_MODE || e.TELEGRAM_WEBHOOK_SECRET) {
    problems.push('TELEGRAM_BOT_TOKEN: required when other TELEGRAM_ settings are set');
  }

  let whatsapp: WhatsAppConfig | undefined;
  const present = WHATSAPP_VARS.filter((name) => e[name] !== undefined);
  if (present.length === WHATSAPP_VARS.length) {
    whatsapp = {
      accessToken: e.WHATSAPP_ACCESS_TOKEN!,
      phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID!,
      appSecret: e.WHATSAPP_APP_SECRET!,
      verifyToken: e.WHATSAPP_VERIFY_TOKEN!,
      graphUrl: e.WHATSAPP_GRAPH_URL,
    };
  } else if (present.length > 0) {
    for (const name of WHATSAPP_VARS.filter((n) => e[n] === undefined)) problems.push(`${name}: required to switch WhatsApp on (${present.join(', ')} set)`);
  }
  if (e.CASEWORKER_CHAT_ID && !telegram) problems.push('CASEWORKER_CHAT_ID: needs TELEGRAM_BOT_TOKEN (the bot posts tickets in the group)');
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));

  return {
    port: e.PORT,
    host: e.HOST,
    ...(e.PUBLIC_URL ? { publicUrl: e.PUBLIC_URL } : {}),
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    webChat: e.WEB_CHAT,
    ...(e.WEB_SESSION_SECRET ? { webSessionSecret: e.WEB_SESSION_SECRET } : {}),
    ratePerMinute: e.RATE_LIMIT_PER_MINUTE,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    watchKnowledge: e.WATCH_KNOWLEDGE,
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    ...(e.USER_KEY_SECRET ? { userKeySecret: e.USER_KEY_SECRET } : {}),
    ...(e.CONSOLE_SECRET ? { consoleSecret: e.CONSOLE_SECRET } : {}),
    ...(e.METRICS_TOKEN ? { metricsToken: e.METRICS_TOKEN } : {}),
    retentionDays: e.RETENTION_DAYS,
    caseworkers: {
      ...(e.CASEWORKER_CHAT_ID ? { chatId: e.CASEWORKER_CHAT_ID } : {}),
      telegramIds: e.CASEWORKER_TELEGRAM_IDS ?? [],
      lang: e.CASEWORKER_LANG,
    },
    ...(telegram ? { telegram } : {}),
    ...(whatsapp ? { whatsapp } : {}),
  };
}
