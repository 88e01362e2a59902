/**
 * Prometheus metrics at `/metrics`: messages by channel, kind and language, how long replies
 * take, errors by where they were caught, and the caseworkers' open tickets.
 *
 * No message text, user id, phone number or key ever becomes a label: every label value comes
 * from a small fixed set (anything else is reported as `other`), so the output cannot leak who
 * wrote or what, and the number of series stays small.
 *
 * Each server has its own registry (several servers in one process do not mix their counts);
 * the Node process metrics (CPU, memory, event loop, GC), which describe the process whatever
 * the number of servers in it, live in one registry per process and are merged in at scrape.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Transformer } from 'grammy';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ConversationFailure, ConversationObserver, HandledMessage } from '../bot/observer.js';
import { sameSecret } from '../channels/constant-time.js';
import { GraphClient, type GraphClientOptions } from '../channels/whatsapp/graph.js';
import type { GraphMessage } from '../channels/whatsapp/render.js';
import type { ReplyKind } from '../engine/types.js';
import type { Store, TicketStatus } from '../store/types.js';
import { CHANNELS, LANGS, type Channel } from '../types.js';
import { sendJson, sendText, type Route } from './http.js';

export const METRICS_PATH = '/metrics';

/** Where errors are counted: a failed turn, storage, an outbound send, an HTTP 500. */
export const ERROR_PLACES = ['conversation', 'storage', 'telegram_send', 'graph_send', 'http'] as const;
export type ErrorPlace = (typeof ERROR_PLACES)[number];

const KINDS: readonly (ReplyKind | 'silent')[] = ['answer', 'clarify', 'fallback', 'emergency', 'intent', 'silent'];
const ACTIVE: readonly TicketStatus[] = ['open', 'taken'];

/** 1–20 ms is the engine alone; storage (PostgreSQL especially) and queueing take the rest. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** A scrape does not wait longer than this for the database: the gauge is left out instead. */
const STORE_TIMEOUT_MS = 2000;
/** Far more active tickets than a team handles; the gauge counts up to this many. */
const TICKET_LIMIT = 10_000;

/** Telegram methods that carry a message to someone (family or caseworkers' group). */
const TELEGRAM_SENDS = /^(send|copy|forward)/;

let processRegistry: Registry | undefined;

/** Node's process metrics, registered once per process (prom-client cannot unregister them). */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'jardam_' });
  }
  return processRegistry;
}

/** The label value if it is one of `allowed`, else `other`: nothing outside a fixed set gets out. */
function oneOf(value: string | undefined, allowed: readonly string[], missing = 'none'): string {
  if (value === undefined) return missing;
  return allowed.includes(value) ? value : 'other';
}

export interface MetricsDeps {
  readonly store: Store;
  readonly log: Logger;
}

export class Metrics implements ConversationObserver {
  /** This server's own metrics (without the process metrics). */
  readonly registry = new Registry();
  private readonly messages: Counter<'channel' | 'kind' | 'lang'>;
  private readonly duration: Histogram<'channel'>;
  private readonly errors: Counter<'where'>;
  private readonly waiting = new Map<Channel, () => number>();

  constructor(private readonly deps: MetricsDeps) {
    const registers = [this.registry];
    this.messages = new Counter({
      name: 'jardam_messages_total',
      help: 'Messages handled by the conversation, by channel, reply kind (silent: rate limited or with a caseworker) and reply language (none when silent)',
      labelNames: ['channel', 'kind', 'lang'],
      registers,
    });
    this.duration = new Histogram({
      name: 'jardam_message_duration_seconds',
      help: 'Time from a message reaching the conversation to its reply (or silence)',
      labelNames: ['channel'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.errors = new Counter({
      name: 'jardam_errors_total',
      help: 'Errors caught: conversation (a turn failed), storage (the bot went on without the database), telegram_send and graph_send (a message not sent after retries), http (a 500 answer)',
      labelNames: ['where'],
      registers,
    });
    // Every place shows from the start, so rate() and alerts see the first error.
    for (const where of ERROR_PLACES) this.errors.inc({ where }, 0);
    const gauge: Gauge<'status'> = new Gauge({
      name: 'jardam_open_tickets',
      help: 'Caseworker tickets not closed yet, by status (open: waiting, taken: a caseworker has it); absent when the database cannot be read',
      labelNames: ['status'],
      registers,
      collect: () => this.countTickets(gauge),
    });
    const waiting = this.waiting;
    new Gauge({
      name: 'jardam_deliveries_waiting',
      help: 'Webhook deliveries accepted and not answered yet that this instance holds in memory (at most 1000; under a flood more wait in the database)',
      labelNames: ['channel'],
      registers,
      collect() {
        for (const [channel, count] of waiting) this.set({ channel }, count());
      },
    });
  }

  /** Reports a channel's webhook deliveries not answered yet (those this instance holds in memory). */
  watchWaiting(channel: Channel, waiting: () => number): void {
    this.waiting.set(channel, waiting);
  }

  handled(message: HandledMessage): void {
    // Metrics must never break a reply: a bad value is dropped, not thrown.
    try {
      const channel = oneOf(message.channel, CHANNELS);
      this.messages.inc({ channel, kind: oneOf(message.kind, KINDS), lang: oneOf(message.lang, LANGS) });
      this.duration.observe({ channel }, message.seconds);
    } catch (err) {
      this.deps.log.warn({ err }, 'metrics: message not counted');
    }
  }

  failed(where: ConversationFailure): void {
    this.error(where);
  }

  error(where: ErrorPlace): void {
    this.errors.inc({ where });
  }

  /** The Prometheus text format: the process metrics and this server's. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    const merged = Registry.merge([processMetrics(), this.registry]);
    return { contentType: merged.contentType, body: await merged.metrics() };
  }

  /**
   * `GET /metrics`. With a token, only `Authorization: Bearer <token>` gets in (401 otherwise);
   * without one it is open, and should be kept off the internet by the proxy.
   */
  route(token?: string): Route {
    return {
      method: 'GET',
      path: METRICS_PATH,
      handler: async (req: IncomingMessage, res: ServerResponse) => {
        if (token !== undefined && !authorized(req, token)) {
          res.setHeader('www-authenticate', 'Bearer realm="metrics"');
          return sendJson(res, 401, { error: 'unauthorized' });
        }
        const { contentType, body } = await this.scrape();
        res.setHeader('cache-control', 'no-store');
        sendText(res, 200, body, contentType);
      },
    };
  }

  /**
   * A grammY API transformer counting Telegram sends that failed after the auto-retry plugin
   * gave up. Install it after that plugin so it sees the final outcome.
   */
  telegramSends(): Transformer {
    return async (prev, method, payload, signal) => {
      const counted = TELEGRAM_SENDS.test(method);
      try {
        const result = await prev(method, payload, signal);
        if (counted && !result.ok) this.error('telegram_send');
        return result;
      } catch (err) {
        if (counted) this.error('telegram_send');
        throw err;
      }
    };
  }

  /** A Graph API client counting WhatsApp sends that failed after its retries. */
  graphClient(options: GraphClientOptions): GraphClient {
    return new CountedGraphClient(options, () => this.error('graph_send'));
  }

  /** Active tickets by status, read at scrape time; left out (and counted as a storage error) if the database fails. */
  private async countTickets(gauge: Gauge<'status'>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${STORE_TIMEOUT_MS} ms`)), STORE_TIMEOUT_MS);
      });
      const tickets = await Promise.race([this.deps.store.tickets({ status: ACTIVE, limit: TICKET_LIMIT }), timeout]);
      gauge.reset();
      for (const status of ACTIVE) gauge.set({ status }, tickets.filter((t) => t.status === status).length);
    } catch (err) {
      // No number is better than a wrong one: Prometheus sees the series vanish, not zero tickets.
      gauge.reset();
      this.error('storage');
      this.deps.log.warn({ err }, 'metrics: tickets not counted');
    } finally {
      clearTimeout(timer);
    }
  }
}

function authorized(req: IncomingMessage, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match !== null && sameSecret(match[1]!, token);
}

class CountedGraphClient extends GraphClient {
  constructor(
    options: GraphClientOptions,
    private readonly failed: () => void,
  ) {
    super(options);
  }

  override async send(to: string, message: GraphMessage): Promise<void> {
    try {
      await super.send(to, message);
    } catch (err) {
      this.failed();
      throw err;
    }
  }
}
