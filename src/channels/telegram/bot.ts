/**
 * Telegram with grammY: commands, text, button presses and media, all through the shared
 * conversation. Webhook mode (secret token checked by grammY) or long polling with the runner;
 * 429 and 5xx answers from Telegram, and calls that time out, are retried by the auto-retry plugin.
 */
import { Bot, webhookCallback, type Context, type Transformer } from 'grammy';
import { autoRetry } from '@grammyjs/auto-retry';
import { run, type RunnerHandle } from '@grammyjs/runner';
import type { Logger } from 'pino';
import type { TelegramConfig } from '../../config.js';
import type { Conversation } from '../../bot/conversation.js';
import type { Inbound } from '../../engine/types.js';
import type { Translate } from '../../engine/i18n.js';
import { HttpError, readBody, requireJson, type Handler } from '../../server/http.js';
import { sameSecret } from '../constant-time.js';
import type { ServerResponse } from 'node:http';
import type { Update } from 'grammy/types';
import type { Deduplicator } from '../dedupe.js';
import type { FamilyDelivery } from '../../handoff/types.js';
import { installCaseworkers, type CaseworkerDeps } from './caseworkers.js';
import { renderTelegram } from './render.js';

/** Commands and the engine action each one stands for. */
export const COMMANDS = {
  start: 'start',
  language: 'ask:lang',
  country: 'ask:country',
  menu: 'intent:help',
  help: 'intent:help',
  human: 'intent:human',
} as const;

const MEDIA = [
  'message:voice',
  'message:audio',
  'message:photo',
  'message:video',
  'message:video_note',
  'message:animation',
  'message:sticker',
  'message:document',
  'message:location',
  'message:contact',
] as const;

export interface TelegramDeps {
  readonly config: TelegramConfig;
  readonly conversation: Conversation;
  readonly t: () => Translate;
  readonly log: Logger;
  readonly dedupe: Deduplicator;
  /** Caseworker commands, ticket buttons and the caseworkers' group, when handoff is set up. */
  readonly caseworkers?: Omit<CaseworkerDeps, 'bot'>;
}

export interface TelegramChannel {
  readonly bot: Bot;
  /** Sends a caseworker's words to a family's chat. */
  readonly delivery: FamilyDelivery;
  /** The webhook endpoint's handler (webhook mode only). */
  readonly webhook?: Handler;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * How long one Bot API call may take. grammY waits 500 s by default, so a stalled API would hold
 * a reply for minutes, past the webhook's deadline and any graceful shutdown. Short enough that a
 * timed-out call plus auto-retry's first 3 s pause still finish within the webhook's 9 s.
 */
const API_CALL_TIMEOUT_MS = 5_000;

/** Gives every Bot API call but long polling (which waits 30 s on purpose) a deadline. */
function callTimeout(ms: number): Transformer {
  return (prev, method, payload, signal) => {
    if (method === 'getUpdates') return prev(method, payload, signal);
    const deadline = AbortSignal.timeout(ms);
    // grammY types its signal as the abort-controller polyfill's; it only listens to it, as to Node's.
    const combined = signal ? AbortSignal.any([signal as unknown as AbortSignal, deadline]) : deadline;
    return prev(method, payload, combined as unknown as Parameters<Transformer>[3]);
  };
}

/** Telegram's updates are small; anything bigger is not from Telegram. */
const UPDATE_BODY_LIMIT = 1024 * 1024;

/**
 * The webhook endpoint: the secret token is checked first (401), then the body is read with a
 * size limit (413) and must be a JSON update (400), so a broken request never reaches grammY and
 * is never retried by Telegram as a server error.
 */
function webhookHandler(bot: Bot, secret: string, handling: WeakMap<Update, Promise<unknown>>): Handler {
  const callback = webhookCallback(
    bot,
    (update: Update, res: ServerResponse) => ({
      update,
      header: secret,
      end: () => res.end(),
      respond: (json: string) => res.writeHead(200, { 'content-type': 'application/json' }).end(json),
      unauthorized: () => res.writeHead(401).end(),
    }),
    { secretToken: secret, onTimeout: 'return', timeoutMilliseconds: 9_000 },
  );
  return async (req, res) => {
    const header = req.headers['x-telegram-bot-api-secret-token'];
    if (typeof header !== 'string' || !sameSecret(header, secret)) throw new HttpError(401, 'wrong secret token');
    requireJson(req);
    const raw = await readBody(req, UPDATE_BODY_LIMIT);
    let update: unknown;
    try {
      update = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new HttpError(400, 'malformed JSON');
    }
    if (typeof update !== 'object' || update === null || typeof (update as { update_id?: unknown }).update_id !== 'number') {
      throw new HttpError(400, 'not a Telegram update');
    }
    await callback(update as Update, res);
    // Past its 9 s grammY has answered Telegram, but the reply may still be on its way: the request
    // stays in flight until it is done, so a graceful shutdown waits for it.
    await handling.get(update as Update)?.catch(() => undefined);
  };
}

export function createTelegram(deps: TelegramDeps): TelegramChannel {
  const { config, conversation, log } = deps;
  const bot = new Bot(config.token, { client: { apiRoot: config.apiRoot } });
  // Installed first, so it sits inside auto-retry: each attempt has its own deadline, and a call
  // that hangs fails as a network error that auto-retry repeats with backoff.
  bot.api.config.use(callTimeout(API_CALL_TIMEOUT_MS));
  bot.api.config.use(autoRetry({ maxRetryAttempts: 4, maxDelaySeconds: 30, rethrowInternalServerErrors: false }));

  // Each update's whole handling, for the webhook to wait on after its deadline.
  const handling = new WeakMap<Update, Promise<unknown>>();
  bot.use((ctx, next) => {
    const work = next();
    handling.set(ctx.update, work);
    return work;
  });
  // Telegram re-sends an update it thinks we missed; answer each one once, whichever instance gets it.
  bot.use(async (ctx, next) => {
    if (await deps.dedupe.firstTime(`telegram:${ctx.me.id}:${ctx.update.update_id}`)) await next();
  });
  if (deps.caseworkers) installCaseworkers({ ...deps.caseworkers, bot });

  const respond = async (ctx: Context, inbound: Inbound | { notice: string }) => {
    if (!ctx.from || !ctx.chat) return;
    const user = { channel: 'telegram' as const, id: String(ctx.from.id) };
    // A caseworker's reply that could not be sent earlier (Telegram was unreachable) goes first.
    for (const text of await conversation.undelivered(user)) await ctx.api.sendMessage(ctx.chat.id, text, { link_preview_options: { is_disabled: true } });
    const reply = 'notice' in inbound ? await conversation.notice(user, inbound.notice) : await conversation.handle(user, inbound);
    if (!reply) return;
    const message = renderTelegram(reply, deps.t());
    for (const [i, chunk] of message.chunks.entries()) {
      const last = i === message.chunks.length - 1;
      await ctx.api.sendMessage(ctx.chat.id, chunk, {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        ...(last && message.keyboard ? { reply_markup: message.keyboard } : {}),
      });
    }
    log.info({ channel: 'telegram', kind: reply.kind, lang: reply.lang, entry: reply.entry }, 'replied');
  };

  for (const [command, action] of Object.entries(COMMANDS)) bot.command(command, (ctx) => respond(ctx, { action }));
  bot.on('callback_query:data', async (ctx) => {
    await ctx.answerCallbackQuery();
    await respond(ctx, { action: ctx.callbackQuery.data });
  });
  bot.on('message:text', (ctx) => respond(ctx, { text: ctx.message.text }));
  bot.on([...MEDIA], (ctx) => respond(ctx, { notice: 'error.unsupported_media' }));
  bot.catch((err) => log.error({ err: err.error, update: err.ctx.update.update_id }, 'telegram update failed'));

  let runner: RunnerHandle | undefined;
  return {
    bot,
    delivery: {
      async deliver(address, text) {
        await bot.api.sendMessage(address, text, { link_preview_options: { is_disabled: true } });
        return 'sent';
      },
    },
    ...(config.mode === 'webhook' ? { webhook: webhookHandler(bot, config.webhookSecret!, handling) } : {}),
    async start() {
      await bot.init();
      if (config.mode === 'polling') runner = run(bot);
      log.info({ channel: 'telegram', mode: config.mode, bot: bot.botInfo.username }, 'telegram ready');
    },
    async stop() {
      if (runner?.isRunning()) await runner.stop();
    },
  };
}
