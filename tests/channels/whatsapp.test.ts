import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeGraph, waButtonPayload, waPayload, waStatusPayload, waTextPayload } from '../helpers/fake-graph.js';
import { eventually, startTestServer, type TestServer } from '../helpers/server.js';
import { realEngine } from '../helpers/kb.js';
import { signBody } from '../../src/channels/whatsapp/signature.js';
import { WHATSAPP_WEBHOOK_PATH } from '../../src/server/start.js';
import { WA } from '../../src/channels/whatsapp/render.js';

const APP_SECRET = 'whatsapp-app-secret';
const VERIFY = 'verify-me-please';
const engine = realEngine();
let graph: FakeGraph;
let app: TestServer;
let phone = 996700000100;

async function post(payload: unknown, signature?: string | null): Promise<number> {
  const raw = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const res = await fetch(`${app.url}${WHATSAPP_WEBHOOK_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'x-hub-signature-256': signature ?? signBody(raw, APP_SECRET) }) },
    body: raw,
  });
  await res.text();
  return res.status;
}

const settle = () => new Promise((r) => setTimeout(r, 300));

beforeAll(async () => {
  graph = await new FakeGraph().start();
  app = await startTestServer({
    WHATSAPP_ACCESS_TOKEN: 'graph-token',
    WHATSAPP_PHONE_NUMBER_ID: '1000',
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: VERIFY,
    WHATSAPP_GRAPH_URL: graph.url,
    WEB_CHAT: 'false',
  });
});
afterAll(async () => {
  await app.stop();
  await graph.stop();
});
beforeEach(() => {
  graph.clear();
  phone++;
});

describe('WhatsApp webhook', () => {
  it('completes the verification handshake and refuses a wrong verify token', async () => {
    const ok = await fetch(`${app.url}${WHATSAPP_WEBHOOK_PATH}?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const bad = await fetch(`${app.url}${WHATSAPP_WEBHOOK_PATH}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`);
    expect(bad.status).toBe(403);
  });

  it('answers a text message through the Graph API with the answer and its source', async () => {
    const text = 'что такое линия 1899';
    const { reply } = engine.turn({ text }, {});
    expect(await post(waTextPayload(String(phone), text))).toBe(200);
    const [sent] = await eventually(() => (graph.delivered().length > 0 ? graph.delivered() : undefined));
    expect(graph.calls[0]!.path).toBe('/1000/messages');
    expect(graph.calls[0]!.authorization).toBe('Bearer graph-token');
    expect(sent!.to).toBe(String(phone));
    expect(sent!.messaging_product).toBe('whatsapp');
    const body = sent!.type === 'text' ? sent!.text.body : sent!.interactive.body.text;
    expect(body).toBe(reply.text);
    expect(body).toContain(reply.source);
  });

  it('sends a list when there are more than three choices, within WhatsApp limits in every language', async () => {
    for (const lang of ['ky', 'ru', 'fr'] as const) {
      graph.clear();
      await post(waButtonPayload(String(phone), `lang:${lang}`, 'x'));
      const country = await eventually(() => graph.delivered()[0]);
      expect(country.interactive.type).toBe('list');
      const rows = country.interactive.action.sections[0].rows as { id: string; title: string }[];
      expect(rows.map((r) => r.id)).toEqual(['country:KZ', 'country:KG', 'country:RU', 'country:OTHER']);
      expect(rows.length).toBeLessThanOrEqual(WA.rows);
      for (const r of rows) expect([...r.title].length).toBeLessThanOrEqual(WA.rowTitle);
      expect([...country.interactive.action.button].length).toBeLessThanOrEqual(WA.listButton);
      expect([...country.interactive.body.text].length).toBeLessThanOrEqual(WA.body);
      phone++;
    }
  });

  it('follows a button reply to the entry it names', async () => {
    await post(waButtonPayload(String(phone), 'entry:hotline-111', 'Линия 111'));
    const sent = await eventually(() => graph.delivered()[0]);
    expect(JSON.stringify(sent)).toContain(engine.kb.entries.get('hotline-111')!.title.ru);
  });

  it('refuses a forged or missing signature with 401 and processes nothing', async () => {
    expect(await post(waTextPayload(String(phone), 'привет'), 'sha256=' + '0'.repeat(64))).toBe(401);
    expect(await post(waTextPayload(String(phone), 'привет'), null)).toBe(401);
    expect(await post(waTextPayload(String(phone), 'привет'), signBody(Buffer.from('other body'), APP_SECRET))).toBe(401);
    await settle();
    expect(graph.calls).toEqual([]);
  });

  it('accepts and ignores status callbacks', async () => {
    expect(await post(waStatusPayload())).toBe(200);
    await settle();
    expect(graph.calls).toEqual([]);
  });

  it('answers 400 to signed malformed JSON or a payload of the wrong shape', async () => {
    expect(await post('{not json')).toBe(400);
    expect(await post({ object: 'page', entry: [] })).toBe(400);
    // Signed, well-formed, but not declared as JSON: refused, and nothing is sent.
    const raw = Buffer.from(JSON.stringify(waTextPayload(String(phone), 'что такое линия 111')));
    const res = await fetch(`${app.url}${WHATSAPP_WEBHOOK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-hub-signature-256': signBody(raw, APP_SECRET) }, body: raw });
    expect(res.status).toBe(415);
    await settle();
    expect(graph.calls).toEqual([]);
  });

  it('retries a Graph API 500 and delivers once', async () => {
    graph.failNext(500);
    await post(waTextPayload(String(phone), 'что такое линия 111'));
    await eventually(() => (graph.delivered().length > 0 ? true : undefined));
    expect(graph.calls.map((c) => c.status)[0]).toBe(500);
    expect(graph.delivered()).toHaveLength(1);
  });

  it('answers media with a polite text, and a repeated message id once', async () => {
    const audio = waPayload({ from: String(phone), id: 'wamid.audio.1', timestamp: String(Math.floor(Date.now() / 1000)), type: 'audio', audio: { id: 'a' } });
    await post(audio);
    await post(audio);
    const sent = await eventually(() => graph.delivered()[0]);
    expect(sent.text.body).toBe(engine.t('ru', 'error.unsupported_media'));
    await settle();
    expect(graph.delivered()).toHaveLength(1);
  });

  it('sends nothing free-form when the 24-hour window is closed', async () => {
    const old = waPayload({ from: String(phone), id: `wamid.old.${phone}`, timestamp: String(Math.floor(Date.now() / 1000) - 25 * 3600), type: 'text', text: { body: 'что такое 111' } });
    expect(await post(old)).toBe(200);
    await settle();
    expect(graph.calls).toEqual([]);
    expect(await app.server.whatsapp!.delivery.deliver(String(phone), 'x')).toBe('window-closed');
  });
});
