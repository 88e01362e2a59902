/**
 * Botkit's web adapter, fenced in. The stock adapter trusts the `user` field the browser sends
 * and keys its sockets by it; here every incoming frame must carry a valid session token, the
 * user is replaced by the token's, and forged or malformed frames never reach the adapter.
 * Botkit is archived upstream: nothing outside src/channels/web* may import it.
 */
import type { Server } from 'node:http';
import { WebAdapter } from 'botbuilder-adapter-web';
import type WebSocket from 'ws';
import type { SessionTokens } from './token.js';

/** A chat message is a few hundred bytes; refuse frames far beyond that. */
const MAX_FRAME_BYTES = 16 * 1024;

type Logic = (context: unknown) => Promise<void>;

export class GuardedWebAdapter extends WebAdapter {
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  declare wss: { close(cb?: () => void): void; clients: Set<WebSocket>; prependListener(event: 'connection', listener: (ws: WebSocket) => void): void };

  constructor(
    private readonly tokens: SessionTokens,
    private readonly path: string,
  ) {
    super();
  }

  /** Botkit calls init() to start the adapter's own server; ours is attached explicitly instead. */
  override init(): void {}

  attach(server: Server, logic: Logic): void {
    // The stock adapter starts a 30 s ping interval it never clears; keep its handle to stop it.
    const realSetInterval = globalThis.setInterval;
    globalThis.setInterval = ((fn: () => void, ms: number) => (this.heartbeat = realSetInterval(fn, ms))) as typeof setInterval;
    try {
      this.createSocketServer(server, { path: this.path, maxPayload: MAX_FRAME_BYTES }, logic);
    } finally {
      globalThis.setInterval = realSetInterval;
    }
    this.heartbeat?.unref();
    // Runs before the adapter's own connection listener, so the guard is in place before it listens.
    this.wss.prependListener('connection', (ws: WebSocket) => this.guard(ws));
  }

  /** Sends to a user's open socket on this instance; false when there is none. */
  push(user: string, message: object): boolean {
    if (!this.isConnected(user)) return false;
    const ws = this.getConnection(user) as unknown as WebSocket;
    if (ws.readyState !== 1) return false;
    ws.send(JSON.stringify(message));
    return true;
  }

  close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (!this.wss) return Promise.resolve();
    for (const ws of this.wss.clients) ws.close(1001, 'server shutting down');
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  /** Checks each frame before the adapter's own listener sees it. */
  private guard(ws: WebSocket): void {
    const emit = ws.emit.bind(ws);
    ws.emit = ((event: string, ...args: unknown[]) => {
      if (event !== 'message') return emit(event, ...args);
      const checked = this.check(args[0]);
      if (!checked) {
        ws.send(JSON.stringify({ type: 'error', error: 'unauthorized' }));
        return true;
      }
      return emit('message', checked, ...args.slice(1));
    }) as typeof ws.emit;
  }

  private check(data: unknown): string | undefined {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(String(data)) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    if (typeof message !== 'object' || message === null) return undefined;
    const user = this.tokens.verify(message.token);
    if (!user) return undefined;
    const { token: _token, ...rest } = message; // the token never travels further
    return JSON.stringify({ ...rest, user });
  }
}
