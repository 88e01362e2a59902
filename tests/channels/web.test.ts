import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, eventually, type TestServer } from '../helpers/server.js';
import { realEngine } from '../helpers/kb.js';
import { WEB_SOCKET_PATH } from '../../src/channels/web/chat.js';

const engine = realEngine();
let app: TestServer;

interface Client {
  readonly ws: WebSocket;
  readonly received: Record<string, any>[];
}

async function session(token?: string): Promise<{ token: string; user: string; strings: Record<string, Record<string, string>> }> {
  const res = await fetch(`${app.url}/web/session${token ? `?token=${encodeURIComponent(token)}` : ''}`, { method: 'POST' });
  return (await res.json()) as { token: string; user: string; strings: Record<string, Record<string, string>> };
}

async function connect(): Promise<Client> {
  const ws = new WebSocket(`${app.url.replace('http', 'ws')}${WEB_SOCKET_PATH}`);
  const received: Record<string, any>[] = [];
  ws.on('message', (data) => received.push(JSON.parse(String(data))));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return { ws, received };
}

beforeAll(async () => {
  app = await startTestServer({ WEB_SESSION_SECRET: 'x'.repeat(40) });
});
afterAll(async () => {
  await app.stop();
});

describe('web chat over the websocket', () => {
  it('serves the page and interface strings in all three languages', async () => {
    const page = await fetch(`${app.url}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/web/chat.js');
    const { strings } = await session();
    for (const lang of ['fr', 'ru', 'ky']) expect(strings[lang]!['web.placeholder']).toBe(engine.t(lang as 'fr', 'web.placeholder'));
  });

  it('greets a first visit with the language question and answers with the source', async () => {
    const { token } = await session();
    const client = await connect();
    client.ws.send(JSON.stringify({ type: 'hello', token }));
    const welcome = await eventually(() => client.received[0]);
    expect(welcome.options.map((o: { action: string }) => o.action)).toEqual(['lang:ky', 'lang:ru', 'lang:fr']);
    client.ws.send(JSON.stringify({ type: 'message', text: 'что такое линия 111', token }));
    const answer = await eventually(() => client.received[1]);
    expect(answer).toMatchObject({ type: 'message', kind: 'answer', lang: 'ru', feedback: true });
    expect(answer.text).toContain(answer.source);
    client.ws.close();
  });

  it('refuses a message whose token is missing or forged, whatever user id it claims', async () => {
    const { token, user } = await session();
    const client = await connect();
    const [payload, signature] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ u: 'someone-else', e: Date.now() + 1e9 })).toString('base64url')}.${signature}`;
    for (const bad of [undefined, 'garbage', forged, `${payload}.${'A'.repeat(signature!.length)}`]) {
      client.ws.send(JSON.stringify({ type: 'message', text: 'что такое 111', user, ...(bad ? { token: bad } : {}) }));
    }
    await eventually(() => (client.received.length >= 4 ? true : undefined));
    expect(client.received.every((m) => m.type === 'error' && m.error === 'unauthorized')).toBe(true);
    client.ws.close();
  });

  it('uses the token’s user, never the user id the browser sends', async () => {
    const victim = await session();
    const attacker = await session();
    const victimClient = await connect();
    victimClient.ws.send(JSON.stringify({ type: 'message', text: 'что такое 111', token: victim.token }));
    await eventually(() => victimClient.received[0]);
    const attackerClient = await connect();
    // Claims the victim's id with its own valid token: the reply goes to the attacker's socket only.
    attackerClient.ws.send(JSON.stringify({ type: 'message', text: 'что такое 1899', user: victim.user, token: attacker.token }));
    await eventually(() => attackerClient.received[0]);
    victimClient.ws.send(JSON.stringify({ type: 'message', text: 'линия 1899', token: victim.token }));
    await eventually(() => victimClient.received[1]);
    expect(victimClient.received).toHaveLength(2);
    expect(attackerClient.received).toHaveLength(1);
    victimClient.ws.close();
    attackerClient.ws.close();
  });

  it('keeps a returning browser’s user when it presents its token again', async () => {
    const first = await session();
    const again = await session(first.token);
    expect(again.user).toBe(first.user);
    const other = await session('not-a-token');
    expect(other.user).not.toBe(first.user);
  });
});
