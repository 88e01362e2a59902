/**
 * The web chat: a page served by our HTTP server, a signed session token for each browser, and
 * a Botkit controller on a websocket that hands every message to the shared conversation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { Botkit, type BotWorker, type BotkitMessage } from 'botkit';
import type { Logger } from 'pino';
import type { Conversation } from '../../bot/conversation.js';
import type { Inbound, Reply } from '../../engine/types.js';
import type { Translate } from '../../engine/i18n.js';
import { LANGS } from '../../types.js';
import { sendJson, sendText, type Route } from '../../server/http.js';
import { GuardedWebAdapter } from './adapter.js';
import type { SessionTokens } from './token.js';
import type { FamilyDelivery } from '../../handoff/types.js';

export const WEB_SOCKET_PATH = '/web/socket';

/** Interface strings the page needs, from locales/ (keys under `web.` plus the feedback buttons). */
const PAGE_KEYS = ['web.title', 'web.placeholder', 'web.send', 'web.connecting', 'web.offline', 'web.languages', 'web.you', 'web.bot', 'feedback.prompt', 'feedback.up', 'feedback.down'] as const;

const ASSETS: Record<string, [file: string, type: string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/web/chat.js': ['chat.js', 'text/javascript; charset=utf-8'],
  '/web/chat.css': ['chat.css', 'text/css; charset=utf-8'],
};

export interface WebChatDeps {
  readonly conversation: Conversation;
  readonly t: () => Translate;
  readonly tokens: SessionTokens;
  readonly assetsDir: string;
  readonly log: Logger;
}

export interface WebChat {
  readonly routes: readonly Route[];
  /** Sends a caseworker's words to a browser connected to this instance. */
  readonly delivery: FamilyDelivery;
  attach(server: Server): void;
  close(): Promise<void>;
}

/** What the page receives for one reply. */
export interface WebReply {
  readonly kind: Reply['kind'];
  readonly lang: Reply['lang'];
  readonly title?: string;
  readonly source?: string;
  readonly options: { label: string; action: string }[];
  readonly feedback: boolean;
}

export function createWebChat(deps: WebChatDeps): WebChat {
  const { conversation, tokens, log } = deps;
  const adapter = new GuardedWebAdapter(tokens, WEB_SOCKET_PATH);
  const controller = new Botkit({ adapter, disable_webserver: true, disable_console: true });

  /** A caseworker's words: a plain message, no options, no feedback buttons. */
  const caseworkerMessage = (text: string) => ({ type: 'message', text, kind: 'intent', options: [], feedback: false });

  const respond = async (bot: BotWorker, message: BotkitMessage, inbound: Inbound) => {
    const user = { channel: 'web' as const, id: message.user };
    // Replies a caseworker sent while this browser was away come first.
    for (const text of await conversation.undelivered(user)) adapter.push(message.user, caseworkerMessage(text));
    const reply = await conversation.handle(user, inbound);
    if (!reply) return;
    const channelData: WebReply = {
      kind: reply.kind,
      lang: reply.lang,
      ...(reply.title ? { title: reply.title } : {}),
      ...(reply.source ? { source: reply.source } : {}),
      options: reply.options.map((o) => ({ label: o.label, action: o.action })),
      feedback: reply.askFeedback,
    };
    await bot.reply(message, { type: 'message', text: reply.text, channelData });
    log.info({ channel: 'web', kind: reply.kind, lang: reply.lang, entry: reply.entry }, 'replied');
  };

  controller.on('message', async (bot, message) => {
    const action = (message as { action?: unknown }).action;
    await respond(bot, message, typeof action === 'string' ? { action } : { text: typeof message.text === 'string' ? message.text : '' });
  });
  // The page says hello when it connects: a first visit gets the language question.
  controller.on('hello', async (bot, message) => {
    const lang = (message as { lang?: unknown }).lang;
    await respond(bot, message, { action: typeof lang === 'string' ? `start:${lang}` : 'start' });
  });
  controller.on('welcome_back', async (bot, message) => respond(bot, message, { action: 'intent:greeting' }));

  // The page's three files are small: read once at start, not on every request.
  const assets = new Map(Object.entries(ASSETS).map(([path, [file, type]]) => [path, { body: readFileSync(join(deps.assetsDir, file), 'utf8'), type }]));
  const page: Route['handler'] = (req, res) => {
    const asset = assets.get((req.url ?? '/').split('?')[0]!)!;
    sendText(res, 200, asset.body, asset.type);
  };
  const session: Route['handler'] = (req, res) => {
    const t = deps.t();
    const strings = Object.fromEntries(LANGS.map((lang) => [lang, Object.fromEntries(PAGE_KEYS.map((k) => [k, t(lang, k)]))]));
    const previous = tokens.verify(new URL(req.url ?? '/', 'http://x').searchParams.get('token'));
    sendJson(res, 200, { ...tokens.issue(previous), strings, socket: WEB_SOCKET_PATH });
  };

  return {
    delivery: {
      deliver: async (user, text) => (adapter.push(user, caseworkerMessage(text)) ? 'sent' : 'offline'),
    },
    routes: [...Object.keys(ASSETS).map((path) => ({ method: 'GET' as const, path, handler: page })), { method: 'POST', path: '/web/session', handler: session }],
    attach(server) {
      adapter.attach(server, controller.handleTurn.bind(controller) as (context: unknown) => Promise<void>);
    },
    close: () => adapter.close(),
  };
}
