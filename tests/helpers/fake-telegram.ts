/**
 * A fake Telegram Bot API on loopback: answers the methods Jardam calls, records every call,
 * and can be told to fail the next calls of a method (429 with retry_after, or 500), to hang on
 * them (answer only after a delay, as a stalled API does) or to cut their connection.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';

export interface ApiCall {
  readonly method: string;
  readonly body: Record<string, any>;
}

export class FakeTelegram {
  readonly calls: ApiCall[] = [];
  private readonly failures = new Map<string, { status: number; retryAfter?: number }[]>();
  private readonly delays = new Map<string, number[]>();
  private readonly drops = new Map<string, true[]>();
  /** Calls hanging on `delayNext`, cut off by `stop`. */
  private readonly hanging = new Map<ServerResponse, ApiCall>();
  private server!: Server;
  url = '';
  private messageId = 0;
  /** Updates handed out by getUpdates (long polling), oldest first. */
  readonly pending: Record<string, unknown>[] = [];

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const method = (req.url ?? '').split('/').pop() ?? '';
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = raw ? JSON.parse(raw) : {};
      if (this.drops.get(method)?.shift()) {
        // A network failure: the connection is cut with no answer at all.
        this.calls.push({ method: `${method}:dropped`, body });
        res.socket?.destroy();
        return;
      }
      const delay = this.delays.get(method)?.shift();
      if (delay !== undefined && !(await this.hang(delay, res, { method, body }))) {
        // The client gave up before the answer: the API dropped this call, nothing was sent.
        this.calls.push({ method: `${method}:abandoned`, body });
        return;
      }
      const failure = this.failures.get(method)?.shift();
      const send = (status: number, data: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(data));
      };
      if (failure) {
        this.calls.push({ method: `${method}:failed`, body });
        return send(failure.status, {
          ok: false,
          error_code: failure.status,
          description: failure.status === 429 ? 'Too Many Requests' : 'Internal Server Error',
          ...(failure.retryAfter ? { parameters: { retry_after: failure.retryAfter } } : {}),
        });
      }
      this.calls.push({ method, body });
      if (method === 'getMe') return send(200, { ok: true, result: { id: 42, is_bot: true, first_name: 'Jardam', username: 'jardam_test_bot', can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false } });
      if (method === 'getUpdates') {
        // Long polling: hand out what is queued, or wait a little and answer empty.
        if (this.pending.length === 0) await new Promise((r) => setTimeout(r, 50));
        return send(200, { ok: true, result: this.pending.splice(0) });
      }
      if (method === 'sendMessage') {
        return send(200, { ok: true, result: { message_id: ++this.messageId, date: Math.floor(Date.now() / 1000), chat: { id: body.chat_id, type: 'private' }, text: body.text } });
      }
      return send(200, { ok: true, result: true });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return this;
  }

  failNext(method: string, ...failures: { status: number; retryAfter?: number }[]): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...failures]);
  }

  /**
   * The next `count` calls of `method` hang for `ms` before being answered normally. A call whose
   * client gives up (times out) first is recorded as `<method>:abandoned` and has no effect.
   */
  delayNext(method: string, count: number, ms: number): void {
    this.delays.set(method, [...(this.delays.get(method) ?? []), ...Array<number>(count).fill(ms)]);
  }

  /** The next `count` calls of `method` have their connection cut, as when the network fails; `reset` forgets earlier ones. */
  dropNext(method: string, count: number, { reset = false } = {}): void {
    this.drops.set(method, [...(reset ? [] : (this.drops.get(method) ?? [])), ...Array<true>(count).fill(true)]);
  }

  /** Calls hanging now (received, not answered yet). */
  waiting(): ApiCall[] {
    return [...this.hanging.values()];
  }

  private async hang(ms: number, res: ServerResponse, call: ApiCall): Promise<boolean> {
    this.hanging.set(res, call);
    try {
      return await answeredAfter(ms, res);
    } finally {
      this.hanging.delete(res);
    }
  }

  sent(): Record<string, any>[] {
    return this.calls.filter((c) => c.method === 'sendMessage').map((c) => c.body);
  }

  clear(): void {
    this.calls.length = 0;
  }

  stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const res of this.hanging.keys()) res.destroy();
    return closed;
  }
}

/**
 * Waits `ms` before an answer; resolves false at once if the client hangs up first (then no
 * answer will ever reach it).
 */
export function answeredAfter(ms: number, res: ServerResponse): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      res.off('close', gone);
      resolve(!res.destroyed);
    }, ms);
    const gone = () => {
      clearTimeout(timer);
      resolve(false);
    };
    res.once('close', gone);
  });
}

let updateId = 1000;
const from = (id: number) => ({ id, is_bot: false, first_name: 'Test', language_code: 'ru' });

export function textUpdate(userId: number, text: string): Record<string, unknown> {
  const entities = text.startsWith('/') ? [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] : undefined;
  return {
    update_id: ++updateId,
    message: { message_id: updateId, date: Math.floor(Date.now() / 1000), chat: { id: userId, type: 'private' }, from: from(userId), text, ...(entities ? { entities } : {}) },
  };
}

export function callbackUpdate(userId: number, data: string): Record<string, unknown> {
  return {
    update_id: ++updateId,
    callback_query: { id: `cb${updateId}`, from: from(userId), chat_instance: 'x', data, message: { message_id: 1, date: 0, chat: { id: userId, type: 'private' }, text: 'x' } },
  };
}

export function voiceUpdate(userId: number): Record<string, unknown> {
  return {
    update_id: ++updateId,
    message: { message_id: updateId, date: 0, chat: { id: userId, type: 'private' }, from: from(userId), voice: { file_id: 'v', file_unique_id: 'v', duration: 3 } },
  };
}

/** The bot's own id in the fake API (getMe). */
export const BOT_ID = 42;

/** A message in a group chat, optionally a reply to one of the bot's posts. */
export function groupTextUpdate(chatId: number, userId: number, text: string, replyTo?: { message_id: number; text: string }): Record<string, unknown> {
  const entities = text.startsWith('/') ? [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] : undefined;
  const chat = { id: chatId, type: 'supergroup', title: 'Caseworkers' };
  return {
    update_id: ++updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat,
      from: from(userId),
      text,
      ...(entities ? { entities } : {}),
      ...(replyTo ? { reply_to_message: { ...replyTo, date: 0, chat, from: { id: BOT_ID, is_bot: true, first_name: 'Jardam' } } } : {}),
    },
  };
}

/** A button pressed under one of the bot's posts in a group chat. */
export function groupCallbackUpdate(chatId: number, userId: number, data: string): Record<string, unknown> {
  return {
    update_id: ++updateId,
    callback_query: { id: `cb${updateId}`, from: from(userId), chat_instance: 'g', data, message: { message_id: 1, date: 0, chat: { id: chatId, type: 'supergroup', title: 'Caseworkers' }, text: 'x' } },
  };
}
