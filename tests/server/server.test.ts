import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createHttpApp, readBody, sendJson } from '../../src/server/http.js';
import { createLogger } from '../../src/server/logger.js';
import { startTestServer } from '../helpers/server.js';

const log = createLogger('silent');

describe('HTTP server', () => {
  it('serves health and readiness, 404 and 405', async () => {
    const app = await startTestServer();
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${app.url}/readyz`)).json()).toEqual({ ready: true });
    expect((await fetch(`${app.url}/nowhere`)).status).toBe(404);
    expect((await fetch(`${app.url}/web/session`)).status).toBe(405);
    await app.stop();
  });

  it('finishes a request in flight on shutdown while refusing new connections', async () => {
    const app = createHttpApp(() => true, log);
    let release!: () => void;
    let begun!: () => void;
    const started = new Promise<void>((resolve) => (begun = resolve));
    app.route({
      method: 'GET',
      path: '/slow',
      handler: async (_req, res) => {
        begun();
        await new Promise<void>((resolve) => (release = resolve));
        res.end('done');
      },
    });
    const port = await app.listen(0, '127.0.0.1');
    const pending = fetch(`http://127.0.0.1:${port}/slow`).then((r) => r.text());
    await started;
    const stopping = app.shutdown(5000);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    release();
    expect(await pending).toBe('done');
    await stopping;
  });

  describe('reading a body', () => {
    /** A server whose one route reads the body (limit 1000 bytes) and tells its size and the outcome of every read. */
    async function echo() {
      const app = createHttpApp(() => true, log);
      const outcomes: string[] = [];
      app.route({
        method: 'POST',
        path: '/in',
        handler: async (req, res) => {
          try {
            const body = await readBody(req, 1000);
            outcomes.push(`read ${body.length}`);
            sendJson(res, 200, { size: body.length, text: body.toString('utf8') });
          } catch (err) {
            outcomes.push(`refused ${(err as { status?: number }).status}`);
            throw err;
          }
        },
      });
      const port = await app.listen(0, '127.0.0.1');
      return { app, port, outcomes };
    }

    /** Sends raw HTTP and resolves to the status line (or '' if the server closed without one). */
    function raw(port: number, head: string, chunks: string[], { abort = false } = {}): Promise<string> {
      return new Promise((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(head);
          for (const c of chunks) socket.write(c);
          if (abort) setTimeout(() => socket.destroy(), 50);
        });
        let got = '';
        socket.on('data', (d) => (got += d.toString('utf8')));
        socket.on('close', () => resolve(got.split('\r\n')[0] ?? ''));
        socket.on('error', () => undefined);
        if (!abort) socket.on('data', () => got.includes('\r\n\r\n') && socket.end());
      });
    }

    it('reads a body sent in several chunks, whole and in order', async () => {
      const { app, port } = await echo();
      const res = await fetch(`http://127.0.0.1:${port}/in`, {
        method: 'POST',
        body: new ReadableStream({
          start(c) {
            for (const part of ['жар', 'дам ', 'help']) c.enqueue(new TextEncoder().encode(part));
            c.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      expect(await res.json()).toEqual({ size: Buffer.byteLength('жардам help'), text: 'жардам help' });
      await app.shutdown(1000);
    });

    it('refuses with 413 a body past the limit that declared no length, as it streams in', async () => {
      const { app, port, outcomes } = await echo();
      const chunk = 'x'.repeat(600);
      const status = await raw(port, 'POST /in HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n', [`258\r\n${chunk}\r\n`, `258\r\n${chunk}\r\n`, '0\r\n\r\n']);
      expect(status).toBe('HTTP/1.1 413 Payload Too Large');
      expect(outcomes).toEqual(['refused 413']);
      await app.shutdown(1000);
    });

    it('lets go of a request whose client leaves halfway through the body: nothing is left in flight', async () => {
      const { app, port, outcomes } = await echo();
      await raw(port, 'POST /in HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n', ['half a body'], { abort: true });
      await new Promise((r) => setTimeout(r, 50));
      expect(outcomes).toEqual(['refused 400']);
      // Shutdown waits for requests in flight: it would take the whole 5 s if this one were still counted.
      const began = performance.now();
      await app.shutdown(5000);
      expect(performance.now() - began).toBeLessThan(4000);
    });
  });
});
