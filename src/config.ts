/**
 * Server configuration from environment variables, checked with zod. With nothing set, the web
 * chat runs on port 3000; Telegram and WhatsApp switch on when their settings are present.
 * Every error names the variable.
 */
import { z } from 'zod';

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
  TELEGRAM_BOT_TOKEN: optional.pipe(z.string().regex(/^\d+:[\w-]+$/, 'looks wrong: expected 123456:ABC-token from @BotFather').optional()),
  TELEGRAM_MODE: optional.pipe(z.enum(['webhook', 'polling']).optional()),
  TELEGRAM_WEBHOOK_SECRET: optional.pipe(z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'use 16–256 letters, digits, _ or -').optional()),
  TELEGRAM_API_ROOT: url('TELEGRAM_API_ROOT').default('https://api.telegram.org'),
  WHATSAPP_ACCESS_TOKEN: optional,
  WHATSAPP_PHONE_NUMBER_ID: optional.pipe(z.string().regex(/^\d+$/, 'must be the numeric phone number id').optional()),
  WHATSAPP_APP_SECRET: optional,
  WHATSAPP_VERIFY_TOKEN: optional,
  WHATSAPP_GRAPH_URL: url('WHATSAPP_GRAPH_URL').default('https://graph.facebook.com/v21.0'),
});

export interface TelegramConfig {
  readonly token: string;
  readonly mode: 'webhook' | 'polling';
  readonly webhookSecret?: string;
  readonly apiRoot: string;
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
  readonly telegram?: TelegramConfig;
  readonly whatsapp?: WhatsAppConfig;
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
    telegram = { token: e.TELEGRAM_BOT_TOKEN, mode, apiRoot: e.TELEGRAM_API_ROOT, ...(e.TELEGRAM_WEBHOOK_SECRET ? { webhookSecret: e.TELEGRAM_WEBHOOK_SECRET } : {}) };
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
    ...(telegram ? { telegram } : {}),
    ...(whatsapp ? { whatsapp } : {}),
  };
}
