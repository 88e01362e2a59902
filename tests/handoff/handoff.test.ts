/**
 * End to end: families on Telegram and WhatsApp handed to a caseworker in the Telegram
 * caseworkers' group and back, over real webhooks against fake Telegram and Graph APIs.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeTelegram, callbackUpdate, groupCallbackUpdate, groupTextUpdate, textUpdate } from '../helpers/fake-telegram.js';
import { FakeGraph, waPayload, waTextPayload } from '../helpers/fake-graph.js';
import { eventually, startTestServer, type TestServer } from '../helpers/server.js';
import { realEngine } from '../helpers/kb.js';
import { signBody } from '../../src/channels/whatsapp/signature.js';
import { TELEGRAM_WEBHOOK_PATH, WHATSAPP_WEBHOOK_PATH } from '../../src/server/start.js';

const SECRET = 'test-secret-token-0123456789';
const APP_SECRET = 'whatsapp-app-secret';
const GROUP = -1001234567890;
const CASEWORKER = 9001;
const STRANGER = 9666;
const engine = realEngine();
const t = engine.t;
let telegram: FakeTelegram;
let graph: FakeGraph;
let app: TestServer;
let family = 7000;
let phone = 996700000500;

async function post(path: string, body: unknown, headers: Record<string, string>): Promise<number> {
  const raw = JSON.stringify(body);
  const res = await fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
  await res.text();
  await app.settled();
  return res.status;
}
const tg = (update: Record<string, unknown>) => post(TELEGRAM_WEBHOOK_PATH, update, { 'x-telegram-bot-api-secret-token': SECRET });
const wa = (payload: unknown) => post(WHATSAPP_WEBHOOK_PATH, payload, { 'x-hub-signature-256': signBody(Buffer.from(JSON.stringify(payload)), APP_SECRET) });

const sentTo = (chat: number) => telegram.sent().filter((m) => m.chat_id === chat || m.chat_id === String(chat));
const groupPosts = () => sentTo(GROUP).map((m) => String(m.text));
const ticketNumber = (text: string) => Number(/#(\d+)/.exec(text)![1]);
const waTexts = (to: number) => graph.delivered().filter((b) => b.to === String(to)).map((b) => String(b.text?.body ?? b.interactive?.body?.text ?? ''));

beforeAll(async () => {
  telegram = await new FakeTelegram().start();
  graph = await new FakeGraph().start();
  app = await startTestServer({
    TELEGRAM_BOT_TOKEN: '123456:TEST-token',
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: telegram.url,
    PUBLIC_URL: 'https://jardam.example.org',
    WHATSAPP_ACCESS_TOKEN: 'graph-token',
    WHATSAPP_PHONE_NUMBER_ID: '1000',
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: 'verify',
    WHATSAPP_GRAPH_URL: graph.url,
    CASEWORKER_CHAT_ID: String(GROUP),
    CASEWORKER_TELEGRAM_IDS: `${CASEWORKER}`,
    WEB_CHAT: 'false',
  });
});
afterAll(async () => {
  await app.stop();
  await telegram.stop();
  await graph.stop();
});
beforeEach(() => {
  telegram.clear();
  graph.clear();
  family++;
  phone++;
});

describe('handoff from Telegram to a caseworker and back', () => {
  it('opens a ticket, keeps the bot silent, carries the caseworker’s words, and hands back', async () => {
    await tg(callbackUpdate(family, 'lang:ru'));
    await tg(callbackUpdate(family, 'country:KZ'));
    // A question the documents cannot answer, with a phone number the caseworker must not see.
    await tg(textUpdate(family, 'какой курс доллара сегодня, мой номер +996 555 12 34 56'));
    expect(sentTo(family).at(-1)!.text).toContain(t('ru', 'fallback.intro'));
    telegram.clear();

    await tg(callbackUpdate(family, 'intent:human'));
    expect(sentTo(family).map((m) => m.text)).toEqual([t('ru', 'handoff.opened')]);
    const [opened] = groupPosts();
    const id = ticketNumber(opened!);
    expect(opened).toContain(t('ru', 'caseworker.opened', { reason: t('ru', 'caseworker.reason.fallback') }));
    expect(opened).toContain('Telegram');
    expect(opened).toContain('[phone]');
    expect(opened).not.toMatch(/555\s?12/);
    expect(sentTo(GROUP)[0]!.reply_markup.inline_keyboard.flat().map((b: { callback_data: string }) => b.callback_data)).toEqual([`ticket:take:${id}`, `ticket:close:${id}`]);

    // While the ticket is open the bot stays silent; the family's words reach the group.
    telegram.clear();
    await tg(textUpdate(family, 'вы тут? что делать с документами'));
    expect(sentTo(family)).toEqual([]);
    expect(groupPosts().at(-1)).toContain(t('ru', 'caseworker.family_wrote', { text: 'вы тут? что делать с документами' }));

    // Someone not on the allow-list can neither take nor answer.
    telegram.clear();
    await tg(groupCallbackUpdate(GROUP, STRANGER, `ticket:take:${id}`));
    expect(telegram.calls.find((c) => c.method === 'answerCallbackQuery')!.body.text).toBe(t('ru', 'caseworker.not_allowed'));
    await tg(groupTextUpdate(GROUP, STRANGER, 'я отвечу', { message_id: 1, text: opened! }));
    expect(sentTo(family)).toEqual([]);
    expect((await app.server.store.ticket(id))!.status).toBe('open');

    // The caseworker takes it and answers by replying to the ticket's post.
    await tg(groupCallbackUpdate(GROUP, CASEWORKER, `ticket:take:${id}`));
    expect(groupPosts().at(-1)).toContain(t('ru', 'caseworker.taken', { actor: `telegram:${CASEWORKER}` }));
    telegram.clear();
    await tg(groupTextUpdate(GROUP, CASEWORKER, 'Здравствуйте! Я специалист, помогу с документами.', { message_id: 1, text: opened! }));
    expect(sentTo(family).map((m) => m.text)).toEqual([t('ru', 'handoff.from_caseworker', { text: 'Здравствуйте! Я специалист, помогу с документами.' })]);
    expect(groupPosts().at(-1)).toContain(t('ru', 'caseworker.delivery.sent'));
    // Answering one's own ticket is not announced as a new take.
    expect(groupPosts()).toHaveLength(1);

    // An emergency still gets the emergency reply at once, and the caseworker is alerted.
    telegram.clear();
    await tg(textUpdate(family, 'муж бьет меня прямо сейчас'));
    expect(sentTo(family)).toHaveLength(1);
    expect(sentTo(family)[0]!.text).toContain('111');
    expect(groupPosts().at(-1)).toContain(t('ru', 'caseworker.family_urgent', { text: 'муж бьет меня прямо сейчас' }));

    // Closing hands the family back to the bot.
    telegram.clear();
    await tg(groupTextUpdate(GROUP, CASEWORKER, `/close ${id}`));
    expect(sentTo(family).map((m) => m.text)).toEqual([t('ru', 'handoff.closed')]);
    expect(groupPosts().at(-1)).toContain(t('ru', 'caseworker.closed', { actor: `telegram:${CASEWORKER}` }));
    const closed = (await app.server.store.ticket(id))!;
    expect(closed.status).toBe('closed');
    expect(closed.address).toBeUndefined();

    telegram.clear();
    await tg(textUpdate(family, 'что такое линия 1899'));
    expect(sentTo(family)).toHaveLength(1);
    expect(sentTo(family)[0]!.text).toContain(engine.kb.entries.get('hotline-1899')!.title.ru);

    const messages = await app.server.store.ticketMessages(id);
    expect(messages.map((m) => m.from)).toEqual(['family', 'caseworker', 'family']);
    const audit = (await app.server.store.auditLog()).filter((a) => a.target === String(id)).map((a) => [a.actor, a.action]);
    // Newest first; the reply does not record (or announce) a second take.
    expect(audit).toEqual([
      [`telegram:${CASEWORKER}`, 'ticket.close'],
      [`telegram:${CASEWORKER}`, 'ticket.reply'],
      [`telegram:${CASEWORKER}`, 'ticket.take'],
    ]);
  });

  it('refuses a second caseworker’s take and keeps the bot out of the caseworkers’ group', async () => {
    await tg(textUpdate(family, '/human'));
    const id = ticketNumber(groupPosts()[0]!);
    await app.server.desk.take(id, 'aigul');
    telegram.clear();
    await tg(groupTextUpdate(GROUP, CASEWORKER, `/take ${id}`));
    expect(groupPosts()).toEqual([t('ru', 'caseworker.refusal.taken-by-other', { id })]);
    // Ordinary talk in the group is not a family's question: no answer from the bot.
    telegram.clear();
    await tg(groupTextUpdate(GROUP, CASEWORKER, 'коллеги, кто возьмет?'));
    expect(telegram.sent()).toEqual([]);
  });
});

describe('a caseworker’s reply that cannot reach the family at once', () => {
  it('is kept when Telegram refuses it, and sent first when the family writes again', async () => {
    await tg(textUpdate(family, '/human'));
    const id = ticketNumber(groupPosts()[0]!);
    await tg(groupTextUpdate(GROUP, CASEWORKER, `/take ${id}`));
    telegram.clear();
    telegram.failNext('sendMessage', { status: 400 });
    await tg(groupTextUpdate(GROUP, CASEWORKER, `/reply ${id} Позвоните нам завтра`));
    expect(groupPosts().at(-1)).toContain(t('ru', 'caseworker.delivery.offline'));
    expect(sentTo(family)).toEqual([]);

    telegram.clear();
    await tg(textUpdate(family, 'алло, вы здесь?'));
    expect(sentTo(family).map((m) => m.text)).toEqual([t('ru', 'handoff.from_caseworker', { text: 'Позвоните нам завтра' })]);
    const messages = await app.server.store.ticketMessages(id);
    expect(messages.find((m) => m.from === 'caseworker')!.delivered).toBe(true);
  });
});

describe('relay mode', () => {
  it('answers a caseworker’s Russian question in Kyrgyz, ready to forward, without buttons', async () => {
    await tg(textUpdate(CASEWORKER, '/for ky что такое линия 1899'));
    const [relayed] = sentTo(CASEWORKER);
    const entry = engine.kb.entries.get('hotline-1899')!;
    expect(relayed!.text).toContain(entry.title.ky);
    expect(relayed!.text).toContain(entry.answer.ky.trim());
    expect(relayed!.text).toContain(`(${entry.reviewed} текшерилген)`);
    expect(relayed!.reply_markup).toBeUndefined();
  });

  it('tells a family that /for is for caseworkers, and explains its use to a caseworker who forgets the language', async () => {
    await tg(textUpdate(family, '/for ky что такое линия 1899'));
    expect(sentTo(family).map((m) => m.text)).toEqual([t('ru', 'caseworker.not_allowed')]);
    await tg(textUpdate(CASEWORKER, '/for что такое линия 1899'));
    expect(sentTo(CASEWORKER).map((m) => m.text)).toEqual([t('ru', 'caseworker.usage_for')]);
  });
});

describe('handoff from WhatsApp', () => {
  it('relays a WhatsApp family’s conversation through the caseworkers’ group, in the family’s language', async () => {
    await wa(waTextPayload(String(phone), 'адам менен сүйлөшкүм келет'));
    const opened = await eventually(() => groupPosts()[0]);
    expect(opened).toContain('WhatsApp');
    const id = ticketNumber(opened);
    expect(await eventually(() => waTexts(phone)[0])).toBe(t('ky', 'handoff.opened'));
    // The group never sees the family's phone number.
    expect(groupPosts().join('\n')).not.toContain(String(phone));

    await tg(groupTextUpdate(GROUP, CASEWORKER, `/reply ${id} Саламатсызбы! Кандай жардам керек?`));
    expect(await eventually(() => waTexts(phone)[1])).toBe(t('ky', 'handoff.from_caseworker', { text: 'Саламатсызбы! Кандай жардам керек?' }));
    expect(groupPosts().at(-1)).toContain(t('ru', 'caseworker.delivery.sent'));

    await wa(waTextPayload(String(phone), 'рахмат, документтер жок'));
    await eventually(() => groupPosts().find((p) => p.includes('документтер жок')));
    expect(waTexts(phone)).toHaveLength(2);
  });

  it('tells the caseworker when WhatsApp’s 24-hour window is closed, and delivers when the family writes again', async () => {
    const dayAgo = Math.floor(Date.now() / 1000) - 25 * 60 * 60;
    await wa(waPayload({ from: String(phone), id: `wamid.old.${phone}`, timestamp: String(dayAgo), type: 'text', text: { body: 'адам менен сүйлөшкүм келет' } }));
    const id = ticketNumber(await eventually(() => groupPosts()[0]));
    expect(waTexts(phone)).toEqual([]);

    await tg(groupTextUpdate(GROUP, CASEWORKER, `/reply ${id} Сиз менен байланышабыз`));
    expect(groupPosts().at(-1)).toContain(t('ru', 'caseworker.delivery.window-closed'));
    expect(waTexts(phone)).toEqual([]);

    await wa(waTextPayload(String(phone), 'саламатсызбы'));
    expect(await eventually(() => waTexts(phone)[0])).toBe(t('ky', 'handoff.from_caseworker', { text: 'Сиз менен байланышабыз' }));
  });
});
