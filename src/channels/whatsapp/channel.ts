/**
 * WhatsApp Cloud API webhook: the GET verification handshake, and POSTed messages whose
 * X-Hub-Signature-256 is checked against the raw body before anything is parsed. Each message is
 * stored in the inbox and the POST answered 200 at once; replies go out afterwards through the
 * Graph API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { WhatsAppConfig } from '../../config.js';
import type { Conversation } from '../../bot/conversation.js';
import type { Translate } from '../../engine/i18n.js';
import { HttpError, readBody, requireJson, sendJson, sendText, type Handler } from '../../server/http.js';
import { Inbox } from '../inbox.js';
import type { Store } from '../../store/types.js';
import type { StorageGuard } from '../../store/deadline.js';
import type { FamilyDelivery } from '../../handoff/types.js';
import { GraphClient } from './graph.js';
import { renderWhatsApp } from './render.js';
import { verifySignature } from './signature.js';
import { sameSecret } from '../constant-time.js';
import { windowOpen } from './window.js';
import { messagesOf, toInbound, waMessageSchema, waWebhookSchema, type WaMessage } from './webhook.js';

/** Meta's webhook bodies are small; anything bigger is not from Meta. */
const BODY_LIMIT = 512 * 1024;

export interface WhatsAppDeps {
  readonly config: WhatsAppConfig;
  readonly conversation: Conversation;
  readonly t: () => Translate;
  readonly log: Logger;
  /** Holds messages until they are answered. */
  readonly store: Store;
  /** Deadlines for storing a message, shared with the conversation. */
  readonly guard?: StorageGuard;
  /** When a contact last wrote, as stored (any instance may have received it). */
  readonly lastInbound: (contact: string) => Promise<number | undefined>;
  readonly graph?: GraphClient;
}

export interface WhatsAppChannel {
  readonly verify: Handler;
  readonly receive: Handler;
  readonly graph: GraphClient;
  /** Sends a caseworker's words, inside the 24-hour window only. */
  readonly delivery: FamilyDelivery;
  /** Messages accepted and not answered yet. */
  readonly inbox: Inbox<WaMessage>;
}

export function createWhatsApp(deps: WhatsAppDeps): WhatsAppChannel {
  const { config, conversation, log } = deps;
  const graph = deps.graph ?? new GraphClient(config);

  const answer = async (message: WaMessage) => {
    const user = { channel: 'whatsapp' as const, id: message.from };
    const inbound = toInbound(message);
    const at = message.timestamp ? Number(message.timestamp) * 1000 : Date.now();
    const reply = inbound ? await conversation.handle(user, inbound, at) : await conversation.notice(user, 'error.unsupported_media');
    // Free-form messages only inside the 24-hour window, which this very message opened (unless it is old).
    if (!windowOpen(at)) {
      log.warn({ channel: 'whatsapp', kind: reply?.kind }, 'service window closed: reply not sent');
      return;
    }
    // A caseworker's reply that waited for the window to open again goes first.
    for (const text of await conversation.undelivered(user)) await graph.send(message.from, { type: 'text', text: { body: text, preview_url: false } });
    if (!reply) return;
    for (const out of renderWhatsApp(reply, deps.t())) await graph.send(message.from, out);
    log.info({ channel: 'whatsapp', kind: reply.kind, lang: reply.lang, entry: reply.entry }, 'replied');
  };

  const delivery: FamilyDelivery = {
    async deliver(contact, text) {
      if (!windowOpen(await deps.lastInbound(contact))) return 'window-closed';
      await graph.send(contact, { type: 'text', text: { body: text, preview_url: false } });
      return 'sent';
    },
  };

  const verify: Handler = (req: IncomingMessage, res: ServerResponse) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const token = query.get('hub.verify_token') ?? '';
    if (query.get('hub.mode') === 'subscribe' && sameSecret(token, config.verifyToken)) return sendText(res, 200, query.get('hub.challenge') ?? '');
    return sendJson(res, 403, { error: 'verification failed' });
  };

  const inbox = new Inbox<WaMessage>({
    channel: 'whatsapp',
    store: deps.store,
    log,
    ...(deps.guard ? { guard: deps.guard } : {}),
    handle: answer,
    parse: (json) => waMessageSchema.parse(JSON.parse(json)),
    chatOf: (message) => message.from,
    urgent: (message) => {
      const text = toInbound(message)?.text;
      return text !== undefined && conversation.urgent(text);
    },
  });

  const receive: Handler = async (req, res) => {
    const raw = await readBody(req, BODY_LIMIT);
    if (!verifySignature(raw, req.headers['x-hub-signature-256'] as string | undefined, config.appSecret)) {
      throw new HttpError(401, 'bad signature');
    }
    requireJson(req);
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new HttpError(400, 'malformed JSON');
    }
    const parsed = waWebhookSchema.safeParse(json);
    if (!parsed.success) throw new HttpError(400, 'not a WhatsApp webhook payload');
    // Meta re-sends what it thinks we missed: the inbox refuses a message id it has seen.
    await Promise.all(messagesOf(parsed.data).map((message) => inbox.accept(`whatsapp:${message.id}`, message)));
    sendJson(res, 200, { ok: true });
  };

  return { verify, receive, graph, delivery, inbox };
}
