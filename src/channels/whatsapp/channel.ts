/**
 * WhatsApp Cloud API webhook: the GET verification handshake, and POSTed messages whose
 * X-Hub-Signature-256 is checked against the raw body before anything is parsed. The POST is
 * answered 200 at once; replies go out afterwards through the Graph API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { WhatsAppConfig } from '../../config.js';
import type { Conversation } from '../../bot/conversation.js';
import type { Translate } from '../../engine/i18n.js';
import { HttpError, readBody, sendJson, sendText, type Handler } from '../../server/http.js';
import { RecentIds } from '../recent-ids.js';
import { GraphClient } from './graph.js';
import { renderWhatsApp } from './render.js';
import { verifySignature } from './signature.js';
import { sameSecret } from '../constant-time.js';
import { ServiceWindow } from './window.js';
import { messagesOf, toInbound, waWebhookSchema, type WaMessage } from './webhook.js';

/** Meta's webhook bodies are small; anything bigger is not from Meta. */
const BODY_LIMIT = 512 * 1024;

export interface WhatsAppDeps {
  readonly config: WhatsAppConfig;
  readonly conversation: Conversation;
  readonly t: () => Translate;
  readonly log: Logger;
  /** Keeps the reply work alive through a graceful shutdown. */
  readonly track: (work: Promise<unknown>) => void;
  readonly graph?: GraphClient;
  readonly window?: ServiceWindow;
}

export interface WhatsAppChannel {
  readonly verify: Handler;
  readonly receive: Handler;
  readonly window: ServiceWindow;
  readonly graph: GraphClient;
}

export function createWhatsApp(deps: WhatsAppDeps): WhatsAppChannel {
  const { config, conversation, log } = deps;
  const graph = deps.graph ?? new GraphClient(config);
  const window = deps.window ?? new ServiceWindow();
  const seen = new RecentIds();

  const answer = async (message: WaMessage) => {
    const user = { channel: 'whatsapp' as const, id: message.from };
    const inbound = toInbound(message);
    const reply = inbound ? await conversation.handle(user, inbound) : await conversation.notice(user, 'error.unsupported_media');
    if (!reply) return;
    // Free-form messages only inside the 24-hour window (always open right after the user wrote).
    if (!window.isOpen(message.from)) {
      log.warn({ channel: 'whatsapp', kind: reply.kind }, 'service window closed: reply not sent');
      return;
    }
    for (const out of renderWhatsApp(reply, deps.t())) await graph.send(message.from, out);
    log.info({ channel: 'whatsapp', kind: reply.kind, lang: reply.lang, entry: reply.entry }, 'replied');
  };

  const verify: Handler = (req: IncomingMessage, res: ServerResponse) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const token = query.get('hub.verify_token') ?? '';
    if (query.get('hub.mode') === 'subscribe' && sameSecret(token, config.verifyToken)) return sendText(res, 200, query.get('hub.challenge') ?? '');
    return sendJson(res, 403, { error: 'verification failed' });
  };

  const receive: Handler = async (req, res) => {
    const raw = await readBody(req, BODY_LIMIT);
    if (!verifySignature(raw, req.headers['x-hub-signature-256'] as string | undefined, config.appSecret)) {
      throw new HttpError(401, 'bad signature');
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new HttpError(400, 'malformed JSON');
    }
    const parsed = waWebhookSchema.safeParse(json);
    if (!parsed.success) throw new HttpError(400, 'not a WhatsApp webhook payload');
    sendJson(res, 200, { ok: true });

    for (const message of messagesOf(parsed.data)) {
      if (seen.checkAndAdd(message.id)) continue;
      window.opened(message.from, message.timestamp ? Number(message.timestamp) * 1000 : undefined);
      deps.track(answer(message).catch((err: unknown) => log.error({ err, channel: 'whatsapp' }, 'reply failed')));
    }
  };

  return { verify, receive, window, graph };
}
