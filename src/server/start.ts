/**
 * Assembles the server: knowledge base and engine, the shared conversation, and the channels
 * the configuration switches on, behind one HTTP server.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { Engine } from '../engine/engine.js';
import type { Calibration } from '../engine/decide.js';
import { loadKnowledge, PROJECT_ROOT } from '../kb/load.js';
import { formatProblem } from '../kb/problem.js';
import { Conversation } from '../bot/conversation.js';
import { RateLimiter } from '../bot/rate-limit.js';
import { MemorySessionStore, type SessionStore } from '../bot/sessions.js';
import { createTelegram, type TelegramChannel } from '../channels/telegram/bot.js';
import { createWhatsApp, type WhatsAppChannel } from '../channels/whatsapp/channel.js';
import { createWebChat } from '../channels/web/chat.js';
import { SessionTokens } from '../channels/web/token.js';
import { createHttpApp, type HttpApp } from './http.js';
import { webSessionSecret } from './secret.js';

export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';
export const WHATSAPP_WEBHOOK_PATH = '/whatsapp/webhook';

export interface StartOptions {
  readonly log: Logger;
  /** Project folder with knowledge/, intents/, locales/ and public/. */
  readonly root?: string;
  readonly sessions?: SessionStore;
  /** Decision weights (tests use a wide clarify band); the tuned ones by default. */
  readonly calibration?: Calibration;
}

export interface RunningServer {
  readonly port: number;
  readonly app: HttpApp;
  readonly conversation: Conversation;
  readonly telegram?: TelegramChannel;
  readonly whatsapp?: WhatsAppChannel;
  shutdown(): Promise<void>;
}

export class StartError extends Error {}

export async function startServer(config: Config, options: StartOptions): Promise<RunningServer> {
  const { log } = options;
  const root = options.root ?? PROJECT_ROOT;
  const { kb, problems } = loadKnowledge(root);
  if (!kb) throw new StartError(`the knowledge base has errors:\n${problems.filter((p) => p.severity === 'error').map(formatProblem).join('\n')}`);
  const engine = new Engine(kb, options.calibration);
  const conversation = new Conversation({
    engine: () => engine,
    sessions: options.sessions ?? new MemorySessionStore(),
    limiter: new RateLimiter(config.ratePerMinute),
  });
  const t = () => engine.t;

  let ready = false;
  const app = createHttpApp(() => ready, log);

  const web = config.webChat
    ? createWebChat({ conversation, t, log, tokens: new SessionTokens(webSessionSecret(config.webSessionSecret, config.dataDir)), assetsDir: join(root, 'public/web') })
    : undefined;
  for (const route of web?.routes ?? []) app.route(route);

  const telegram = config.telegram ? createTelegram({ config: config.telegram, conversation, t, log }) : undefined;
  if (telegram?.webhook) app.route({ method: 'POST', path: TELEGRAM_WEBHOOK_PATH, handler: telegram.webhook });

  // Replies sent after a webhook's 200 are tracked so a graceful shutdown waits for them.
  const whatsapp = config.whatsapp ? createWhatsApp({ config: config.whatsapp, conversation, t, log, track: (w) => app.track(w) }) : undefined;
  if (whatsapp) {
    app.route({ method: 'GET', path: WHATSAPP_WEBHOOK_PATH, handler: whatsapp.verify });
    app.route({ method: 'POST', path: WHATSAPP_WEBHOOK_PATH, handler: whatsapp.receive });
  }

  const port = await app.listen(config.port, config.host);
  web?.attach(app.server);
  try {
    await telegram?.start();
  } catch (err) {
    await app.shutdown(0);
    throw err;
  }
  ready = true;
  log.info({ port, web: Boolean(web), telegram: telegram ? config.telegram!.mode : false, whatsapp: Boolean(whatsapp), entries: kb.entries.size }, 'server ready');

  let stopping: Promise<void> | undefined;
  return {
    port,
    app,
    conversation,
    ...(telegram ? { telegram } : {}),
    ...(whatsapp ? { whatsapp } : {}),
    shutdown() {
      stopping ??= (async () => {
        ready = false;
        await telegram?.stop();
        await app.shutdown(config.shutdownTimeoutMs, web?.close);
        log.info('server stopped');
      })();
      return stopping;
    },
  };
}
