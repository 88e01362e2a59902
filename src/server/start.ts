/**
 * Assembles the server: knowledge base and engine, storage, the shared conversation, the
 * caseworkers' desk, and the channels the configuration switches on, behind one HTTP server.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Calibration } from '../engine/decide.js';
import { PROJECT_ROOT } from '../kb/load.js';
import { formatProblem } from '../kb/problem.js';
import { Conversation } from '../bot/conversation.js';
import { RateLimiter } from '../bot/rate-limit.js';
import { createTelegram, type TelegramChannel } from '../channels/telegram/bot.js';
import { telegramBoard } from '../channels/telegram/caseworkers.js';
import { createWhatsApp, type WhatsAppChannel } from '../channels/whatsapp/channel.js';
import { createWebChat } from '../channels/web/chat.js';
import { createConsole } from '../console/console.js';
import { SessionTokens } from '../channels/web/token.js';
import { Deduplicator } from '../channels/dedupe.js';
import { HandoffDesk } from '../handoff/desk.js';
import { openStore } from '../store/open.js';
import { StorageGuard } from '../store/deadline.js';
import { Pseudonyms } from '../store/pseudonym.js';
import type { Store } from '../store/types.js';
import { startRetention } from '../privacy/retention.js';
import { createHttpApp, type HttpApp } from './http.js';
import { Metrics } from './metrics.js';
import { dataSecret } from './secret.js';
import { KnowledgeBaseError, LiveEngine } from './live-engine.js';

export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';
export const WHATSAPP_WEBHOOK_PATH = '/whatsapp/webhook';

export interface StartOptions {
  readonly log: Logger;
  /** Project folder with knowledge/, intents/, locales/ and public/. */
  readonly root?: string;
  /** Decision weights (tests use a wide clarify band); the tuned ones by default. */
  readonly calibration?: Calibration;
  /** Reload the knowledge base when its files change; `config.watchKnowledge` by default. */
  readonly watch?: boolean;
  /** The clock (tests move it); Date.now by default. */
  readonly now?: () => number;
}

export interface RunningServer {
  readonly port: number;
  readonly app: HttpApp;
  readonly conversation: Conversation;
  readonly store: Store;
  readonly desk: HandoffDesk;
  readonly keys: Pseudonyms;
  readonly telegram?: TelegramChannel;
  readonly whatsapp?: WhatsAppChannel;
  /** The serving engine, its reloads and rejections. */
  readonly knowledge: LiveEngine;
  shutdown(): Promise<void>;
}

export class StartError extends Error {}

export async function startServer(config: Config, options: StartOptions): Promise<RunningServer> {
  const { log } = options;
  const root = options.root ?? PROJECT_ROOT;
  let knowledge: LiveEngine;
  try {
    knowledge = new LiveEngine({ root, log, watch: options.watch ?? config.watchKnowledge, ...(options.calibration ? { calibration: options.calibration } : {}) });
  } catch (err) {
    throw err instanceof KnowledgeBaseError ? new StartError(err.message) : err;
  }
  const engine = () => knowledge.engine();
  const t = () => knowledge.engine().t;

  let store: Store;
  try {
    store = await openStore(config);
  } catch (err) {
    knowledge.close();
    throw new StartError(`the database cannot be opened (${config.databaseUrl ? 'DATABASE_URL' : `SQLite in ${config.dataDir}`}): ${(err as Error).message}`);
  }
  const keys = new Pseudonyms(dataSecret(config.userKeySecret, config.dataDir, 'userKey'));
  // Instances sharing a database must store users under the same keys, or they would not find them.
  if ((await store.pinSetting('pseudonym-fingerprint', keys.fingerprint())) !== keys.fingerprint()) {
    knowledge.close();
    await store.close();
    throw new StartError('USER_KEY_SECRET differs from the one this database was first used with: give every instance sharing DATABASE_URL the same USER_KEY_SECRET');
  }
  knowledge.onRejected((rejection) => {
    const detail = rejection.problems.map(formatProblem).join('; ').slice(0, 2000);
    void store.audit({ at: rejection.at, actor: 'system', action: 'kb.rejected', detail }).catch(() => {});
  });
  knowledge.onReloaded(() => {
    void store.audit({ at: Date.now(), actor: 'system', action: 'kb.reloaded' }).catch(() => {});
  });

  const desk = new HandoffDesk({ store, t, log, ...(options.now ? { now: options.now } : {}) });
  const metrics = new Metrics({ store, log });
  // One guard for every storage call a message makes: a hanging database delays one reply, once.
  const guard = new StorageGuard();
  const conversation = new Conversation({ engine, store, keys, desk, log, guard, observer: metrics, limiter: new RateLimiter(config.ratePerMinute), ...(options.now ? { now: options.now } : {}) });
  const dedupe = new Deduplicator(store, log, guard);

  let ready = false;
  const app = createHttpApp(() => ready, log, { failed: () => metrics.error('http') });
  // Prometheus: open unless METRICS_TOKEN is set (then a bearer token); keep it off the internet at the proxy.
  app.route(metrics.route(config.metricsToken));

  const web = config.webChat
    ? createWebChat({ conversation, t, log, tokens: new SessionTokens(dataSecret(config.webSessionSecret, config.dataDir, 'webSession')), assetsDir: join(root, 'public/web') })
    : undefined;
  for (const route of web?.routes ?? []) app.route(route);
  if (web) desk.deliverOn('web', web.delivery);
  // The caseworkers' console and the administrators' page; instances share CONSOLE_SECRET so a login works on all.
  const consoleSecret = dataSecret(config.consoleSecret, config.dataDir, 'console');
  const consoleOptions = { ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}), ...(options.now ? { now: options.now } : {}) };
  const staffConsole = createConsole({ store, desk, knowledge, log, lang: config.caseworkers.lang, secret: consoleSecret, assetsDir: join(root, 'public/console'), ...consoleOptions });
  for (const route of staffConsole.routes) app.route(route);

  const staff = config.caseworkers;
  const telegram = config.telegram
    ? createTelegram({
        config: config.telegram,
        conversation,
        t,
        log,
        dedupe,
        store,
        guard,
        caseworkers: { desk, store, engine, allowed: staff.telegramIds, lang: staff.lang, ...(staff.chatId ? { chatId: staff.chatId } : {}) },
      })
    : undefined;
  telegram?.bot.api.config.use(metrics.telegramSends());
  if (telegram?.webhook) app.route({ method: 'POST', path: TELEGRAM_WEBHOOK_PATH, handler: telegram.webhook });
  if (telegram) desk.deliverOn('telegram', telegram.delivery);
  if (telegram && staff.chatId) desk.addBoard(telegramBoard({ bot: telegram.bot, desk, store, engine, chatId: staff.chatId, allowed: staff.telegramIds, lang: staff.lang }));

  const whatsapp = config.whatsapp
    ? createWhatsApp({
        config: config.whatsapp,
        conversation,
        t,
        log,
        store,
        guard,
        graph: metrics.graphClient(config.whatsapp),
        lastInbound: async (contact) => (await store.getUser(keys.key({ channel: 'whatsapp', id: contact })))?.lastInboundAt,
      })
    : undefined;
  if (whatsapp) {
    app.route({ method: 'GET', path: WHATSAPP_WEBHOOK_PATH, handler: whatsapp.verify });
    app.route({ method: 'POST', path: WHATSAPP_WEBHOOK_PATH, handler: whatsapp.receive });
    desk.deliverOn('whatsapp', whatsapp.delivery);
  }
  for (const [channel, inbox] of [['telegram', telegram?.inbox], ['whatsapp', whatsapp?.inbox]] as const) {
    if (inbox) metrics.watchWaiting(channel, () => inbox.waiting);
  }

  const retention = startRetention({ store, days: config.retentionDays, log });
  const port = await app.listen(config.port, config.host);
  web?.attach(app.server);
  try {
    await telegram?.start();
    whatsapp?.inbox.start();
  } catch (err) {
    retention.stop();
    knowledge.close();
    await app.shutdown(0);
    await store.close();
    throw err;
  }
  ready = true;
  log.info(
    { port, web: Boolean(web), telegram: telegram ? config.telegram!.mode : false, whatsapp: Boolean(whatsapp), database: store.kind, entries: knowledge.status().entries, watching: knowledge.status().watching },
    'server ready',
  );

  let stopping: Promise<void> | undefined;
  return {
    port,
    app,
    conversation,
    store,
    desk,
    keys,
    ...(telegram ? { telegram } : {}),
    ...(whatsapp ? { whatsapp } : {}),
    knowledge,
    shutdown() {
      stopping ??= (async () => {
        ready = false;
        retention.stop();
        knowledge.close();
        const deadline = Date.now() + config.shutdownTimeoutMs;
        // Stop taking requests first, then answer the updates already accepted, in the same time.
        await app.shutdown(config.shutdownTimeoutMs, web?.close);
        const left = Math.max(0, deadline - Date.now());
        await Promise.all([telegram?.stop(left), whatsapp?.inbox.drain(left)]);
        await store.close();
        log.info('server stopped');
      })();
      return stopping;
    },
  };
}
