/**
 * The HTTP server: a small exact-path router, body reading with a size limit, health checks,
 * and graceful shutdown that stops accepting and lets requests in flight finish.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly handler: Handler;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Webhooks speak JSON: anything else is refused with 415 before the body is trusted. */
export function requireJson(req: IncomingMessage): void {
  if (!/^application\/json\s*(;|$)/i.test(String(req.headers['content-type'] ?? ''))) throw new HttpError(415, 'content-type must be application/json');
}

/**
 * Reads a request body up to `limit` bytes; refuses larger ones before reading them whole.
 * Stream events rather than an async iterator: this runs for every webhook, and is cheaper so.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new HttpError(413, 'body too large'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err?: Error) => {
      req.off('data', onData).off('end', onEnd).off('error', onClose).off('close', onClose);
      if (err) reject(err);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop reading; the caller answers 413 and drops the rest.
        req.pause();
        done(new HttpError(413, 'body too large'));
      } else chunks.push(chunk);
    };
    const onEnd = () => done();
    // The client left before the end of its body: not a failure of ours (no 500, no error logged).
    const onClose = () => done(new HttpError(400, 'request aborted'));
    req.on('data', onData).on('end', onEnd).on('error', onClose).on('close', onClose);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(data) });
  res.end(data);
}

export function sendText(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export interface HttpApp {
  readonly server: Server;
  /** Adds an endpoint (before or after listening). */
  route(route: Route): void;
  listen(port: number, host: string): Promise<number>;
  /**
   * Stop accepting, wait for requests in flight (up to `timeoutMs`), then close upgraded
   * connections (websockets) with `closeUpgraded` and the server.
   */
  shutdown(timeoutMs: number, closeUpgraded?: () => Promise<void>): Promise<void>;
}

export interface HttpAppOptions {
  /** Told of every 500 answer (a handler that failed), for the error metrics. */
  readonly failed?: () => void;
}

export function createHttpApp(ready: () => boolean, log: Logger, options: HttpAppOptions = {}): HttpApp {
  const table = new Map<string, Handler>();
  const paths = new Set<string>();
  let inFlight = 0;
  let closing = false;

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/healthz') return sendJson(res, 200, { ok: true });
    if (path === '/readyz') return sendJson(res, ready() && !closing ? 200 : 503, { ready: ready() && !closing });
    const handler = table.get(`${req.method} ${path}`);
    if (!handler) return sendJson(res, paths.has(path) ? 405 : 404, { error: paths.has(path) ? 'method not allowed' : 'not found' });
    // In flight until the response is done and the handler has settled (work it awaits after answering counts).
    inFlight++;
    let responded = false;
    let settled = false;
    const finished = () => {
      if (responded) return;
      responded = true;
      if (settled) inFlight--;
    };
    res.once('finish', finished).once('close', finished);
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((err: unknown) => {
        const status = err instanceof HttpError ? err.status : 500;
        if (status === 500) {
          log.error({ err, path }, 'request failed');
          options.failed?.();
        }
        if (!res.headersSent) sendJson(res, status, { error: err instanceof HttpError ? err.message : 'internal error' });
        else res.end();
        // An unread body would keep the connection busy; drop it.
        req.resume();
      })
      .finally(() => {
        settled = true;
        if (responded) inFlight--;
      });
  });

  return {
    server,
    route(r) {
      table.set(`${r.method} ${r.path}`, r.handler);
      paths.add(r.path);
    },
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      });
    },
    async shutdown(timeoutMs, closeUpgraded) {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = Date.now() + timeoutMs;
      while (inFlight > 0 && Date.now() < deadline) {
        // Poll on a timer: waiting on already-settled work alone would starve the event loop.
        await new Promise((r) => setTimeout(r, 25));
        server.closeIdleConnections();
      }
      if (inFlight > 0) log.warn({ inFlight }, 'shutdown timed out with work in flight');
      server.closeAllConnections();
      await closeUpgraded?.();
      await closed;
    },
  };
}
