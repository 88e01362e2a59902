import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/server/http.js';
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
});
