/**
 * Telegram with grammY: commands, text, button presses and media, all through the shared
 * conversation. Webhook mode (the update is stored and acknowledged at once, then answered from
 * the inbox) or long polling with the runner; 429 and 5xx answers from Telegram, and calls that
 * time out, are retried by the auto-retry plugin.
 */
import { Bot, BotError, type Context, type Transformer } from 'grammy';
import { z } from 'zod';
import { autoRetry } from '@grammyjs/auto-retry';
import { run, type RunnerHandle } from '@grammyjs/runner';
import type { Logger } from 'pino';
import type { TelegramConfig } from '../../config.js';
import type { Conversation } from '../../bot/conversation.js';
import type { Inbound } from '../../engine/types.js';
import type { Translate } from '../../engine/i18n.js';
import { HttpError, readBody, requireJson, type Handler } from '../../server/http.js';
import { sameSecret } from '../constant-time.js';
import type { Update } from 'grammy/types';
import type { Deduplicator } from '../dedupe.js';
import { Inbox } from '../inbox.js';
import type { Store } from '../../store/types.js';
import type { StorageGuard } from '../../store/deadline.js';
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
  /** Holds webhook updates until they are answered. */
  readonly store: Store;
  /** Deadlines for storing an update, shared with the conversation. */
  readonly guard?: StorageGuard;
  /** Caseworker commands, ticket buttons and the caseworkers' group, when handoff is set up. */
  readonly caseworkers?: Omit<CaseworkerDeps, 'bot'>;
}

export interface TelegramChannel {
  readonly bot: Bot;
  /** Sends a caseworker's words to a family's chat. */
  readonly delivery: FamilyDelivery;
  /** The webhook endpoint's handler (webhook mode only). */
  readonly webhook?: Handler;
  /** Webhook updates accepted and not answered yet (webhook mode only). */
  readonly inbox?: Inbox<Update>;
  start(): Promise<void>;
  /** Stops long polling, then answers the updates held (webhook mode) for up to `timeoutMs`. */
  stop(timeoutMs: number): Promise<void>;
}

/**
 * How long one Bot API call may take. grammY waits 500 s by default, so a stalled API would hold
 * a reply for minutes, past any graceful shutdown and the inbox's lease.
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

/** What the webhook checks of an update; grammY reads the rest. */
const UpdateShape = z.looseObject({ update_id: z.number().int() });

function readUpdate(json: string): Update {
  return UpdateShape.parse(JSON.parse(json)) as unknown as Update;
}

/** The chat an update belongs to, so one chat's updates are answered in order. */
function chatOf(update: Update): string {
  const chat = update.message?.chat.id ?? update.callback_query?.message?.chat.id ?? update.callback_query?.from.id;
  return chat === undefined ? `update:${update.update_id}` : String(chat);
}

/**
 * The webhook endpoint: the secret token is checked first (401), then the body is read with a
 * size limit (413) and must be a JSON update (400), so a broken request is never retried by
 * Telegram as a server error. A good update is stored, and the 200 goes back at once: Telegram
 * never waits on the engine, and a reply being worked on survives a crash.
 */
function webhookHandler(inbox: Inbox<Update>, secret: string, botId: string): Handler {
  return async (req, res) => {
    const header = req.headers['x-telegram-bot-api-secret-token'];
    if (typeof header !== 'string' || !sameSecret(header, secret)) throw new HttpError(401, 'wrong secret token');
    requireJson(req);
    const raw = (await readBody(req, UPDATE_BODY_LIMIT)).toString('utf8');
    let update: Update;
    try {
      update = readUpdate(raw);
    } catch {
      throw new HttpError(400, 'not a Telegram update');
    }
    // A replay is acknowledged too, and not answered again. The body is stored as it came.
    await inbox.accept(deliveryId(botId, update.update_id), update, raw);
    res.writeHead(200).end();
  };
}

/** One id per update and bot, whichever instance or mode receives it. */
const deliveryId = (botId: string | number, updateId: number) => `telegram:${botId}:${updateId}`;

export function createTelegram(deps: TelegramDeps): TelegramChannel {
  const { config, conversation, log } = deps;
  const bot = new Bot(config.token, { client: { apiRoot: config.apiRoot } });
  // Installed first, so it sits inside auto-retry: each attempt has its own deadline, and a call
  // that hangs fails as a network error that auto-retry repeats with backoff.
  bot.api.config.use(callTimeout(API_CALL_TIMEOUT_MS));
  bot.api.config.use(autoRetry({ maxRetryAttempts: 4, maxDelaySeconds: 30, rethrowInternalServerErrors: false }));
  // Installed last, so it sits outside auto-retry and bounds all its attempts and pauses together:
  // auto-retry repeats network errors without end, and a reply held past the inbox's lease would
  // be answered a second time by another instance. Past the deadline it is given up and logged.
  bot.api.config.use(callTimeout(config.apiDeadlineMs));

  // Telegram re-sends an update it thinks we missed; answer each one once, whichever instance gets
  // it. In webhook mode the inbox has refused the replay already.
  if (config.mode === 'polling') {
    bot.use(async (ctx, next) => {
      if (await deps.dedupe.firstTime(deliveryId(ctx.me.id, ctx.update.update_id))) await next();
    });
  }
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

  const inbox =
    config.mode === 'webhook'
      ? new Inbox<Update>({
          channel: 'telegram',
          store: deps.store,
          log,
          ...(deps.guard ? { guard: deps.guard } : {}),
          // As the runner does: a failed update goes to the bot's error handler.
          handle: (update) => bot.handleUpdate(update).catch((err: unknown) => (err instanceof BotError ? bot.errorHandler(err) : Promise.reject(err))),
          parse: readUpdate,
          chatOf,
          urgent: (update) => update.message?.text !== undefined && conversation.urgent(update.message.text),
        })
      : undefined;
  // The bot's id is the token's first part: known before grammY has asked Telegram who it is.
  const botId = config.token.split(':')[0]!;

  let runner: RunnerHandle | undefined;
  return {
    bot,
    delivery: {
      async deliver(address, text) {
        await bot.api.sendMessage(address, text, { link_preview_options: { is_disabled: true } });
        return 'sent';
      },
    },
    ...(inbox ? { inbox, webhook: webhookHandler(inbox, config.webhookSecret!, botId) } : {}),
    async start() {
      await bot.init();
      inbox?.start();
      if (config.mode === 'polling') runner = run(bot);
      log.info({ channel: 'telegram', mode: config.mode, bot: bot.botInfo.username }, 'telegram ready');
    },
    async stop(timeoutMs) {
      if (runner?.isRunning()) await runner.stop();
      await inbox?.drain(timeoutMs);
    },
  };
}
