/**
 * A fake WhatsApp Graph API on loopback: records POST /<phone-number-id>/messages with their
 * bearer token, and can be told to fail the next sends (429 or 500) or to hang on them (answer
 * only after a delay, as a stalled API does).
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { answeredAfter } from './fake-telegram.js';

export interface GraphCall {
  readonly path: string;
  readonly authorization?: string;
  readonly body: Record<string, any>;
  readonly status: number;
  /** The client gave up (timed out) before this hanging call was answered: nothing was sent. */
  readonly abandoned?: true;
}

export class FakeGraph {
  readonly calls: GraphCall[] = [];
  private readonly failures: number[] = [];
  private readonly delays: number[] = [];
  /** Calls hanging on `delayNext`, cut off by `stop`. */
  private readonly hanging = new Map<ServerResponse, Record<string, any>>();
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      const delay = this.delays.shift();
      if (delay !== undefined && !(await this.hang(delay, res, body))) {
        this.calls.push({ path: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), body, status: 200, abandoned: true });
        return;
      }
      const status = this.failures.shift() ?? 200;
      this.calls.push({ path: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), body, status });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status === 200 ? { messaging_product: 'whatsapp', messages: [{ id: `wamid.${this.calls.length}` }] } : { error: { code: status } }));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return this;
  }

  failNext(...statuses: number[]): void {
    this.failures.push(...statuses);
  }

  /**
   * The next `count` sends hang for `ms` before being answered normally. A send whose client gives
   * up (times out) first is recorded with `abandoned` and is not delivered.
   */
  delayNext(count: number, ms: number): void {
    this.delays.push(...Array<number>(count).fill(ms));
  }

  /** Bodies of the sends hanging now (received, not answered yet). */
  waiting(): Record<string, any>[] {
    return [...this.hanging.values()];
  }

  private async hang(ms: number, res: ServerResponse, body: Record<string, any>): Promise<boolean> {
    this.hanging.set(res, body);
    try {
      return await answeredAfter(ms, res);
    } finally {
      this.hanging.delete(res);
    }
  }

  delivered(): Record<string, any>[] {
    return this.calls.filter((c) => c.status === 200 && !c.abandoned).map((c) => c.body);
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

let n = 0;
export function waTextPayload(from: string, text: string, id = `wamid.in.${++n}`): Record<string, unknown> {
  return waPayload({ from, id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } });
}

export function waButtonPayload(from: string, replyId: string, title: string): Record<string, unknown> {
  return waPayload({ from, id: `wamid.in.${++n}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: replyId, title } } });
}

export function waPayload(message: Record<string, unknown>): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '1000' }, contacts: [{ wa_id: message.from, profile: { name: 'T' } }], messages: [message] } }] }],
  };
}

export function waStatusPayload(): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '1000' }, statuses: [{ id: 'wamid.x', status: 'delivered', timestamp: '1', recipient_id: '996700000000' }] } }] }],
  };
}
