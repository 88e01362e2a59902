import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeTelegram, callbackUpdate, textUpdate, voiceUpdate } from '../helpers/fake-telegram.js';
import { postUpdate, startTestServer, TELEGRAM_SECRET, type TestServer } from '../helpers/server.js';
import { realEngine } from '../helpers/kb.js';
import { TELEGRAM_WEBHOOK_PATH } from '../../src/server/start.js';
import { CALIBRATION } from '../../src/engine/decide.js';

const SECRET = TELEGRAM_SECRET;
const engine = realEngine();
const t = engine.t;
let fake: FakeTelegram;
let app: TestServer;
let user = 5000;

const post = (update: Record<string, unknown>, secret: string | null = SECRET) => postUpdate(app, update, secret);

const buttons = (message: Record<string, any>): { text: string; callback_data: string }[] => (message.reply_markup?.inline_keyboard ?? []).flat();

beforeAll(async () => {
  fake = await new FakeTelegram().start();
  app = await startTestServer({
    TELEGRAM_BOT_TOKEN: '123456:TEST-token',
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: fake.url,
    PUBLIC_URL: 'https://jardam.example.org',
    RATE_LIMIT_PER_MINUTE: '5',
    WEB_CHAT: 'false',
  });
});
afterAll(async () => {
  await app.stop();
  await fake.stop();
});
beforeEach(() => {
  fake.clear();
  user++;
});

describe('Telegram webhook', () => {
  it('walks /start: language buttons, then country buttons, then the menu of topics', async () => {
    expect(await post(textUpdate(user, '/start'))).toBe(200);
    const [welcome] = fake.sent();
    expect(welcome!.chat_id).toBe(user);
    expect(buttons(welcome!).map((b) => b.callback_data)).toEqual(['lang:ky', 'lang:ru', 'lang:fr']);
    expect(buttons(welcome!).map((b) => b.text)).toEqual([t('ky', 'language.ky'), t('ru', 'language.ru'), t('fr', 'language.fr')]);

    await post(callbackUpdate(user, 'lang:ky'));
    expect(fake.calls.some((c) => c.method === 'answerCallbackQuery')).toBe(true);
    const country = fake.sent().at(-1)!;
    expect(country.text).toContain(t('ky', 'country.choose'));
    expect(buttons(country).map((b) => b.callback_data)).toEqual(['country:KZ', 'country:KG', 'country:RU', 'country:OTHER']);

    await post(callbackUpdate(user, 'country:KZ'));
    const menu = fake.sent().at(-1)!;
    expect(menu.text).toContain(t('ky', 'menu.title'));
    const entries = buttons(menu).map((b) => b.callback_data);
    expect(entries.length).toBeGreaterThan(3);
    expect(entries.every((a) => a.startsWith('entry:'))).toBe(true);
    expect(entries).toContain('entry:school-enrollment-kz');
  });

  it('answers a question in HTML with the title in bold, the source in italics and feedback buttons', async () => {
    const text = 'balamdy mektepke kantip berem, almatyda jashaybyz';
    const { reply } = engine.turn({ text }, {});
    expect(reply.kind).toBe('answer');
    await post(textUpdate(user, text));
    const [answer] = fake.sent();
    const entry = engine.kb.entries.get(reply.entry!)!;
    expect(answer!.parse_mode).toBe('HTML');
    expect(answer!.text.startsWith(`<b>${entry.title.ky}</b>`)).toBe(true);
    expect(answer!.text).toMatch(/<i>[^<]+2026-\d\d-\d\d[^<]*<\/i>$/);
    expect(buttons(answer!).slice(-2).map((b) => b.callback_data)).toEqual(['feedback:up', 'feedback:down']);
  });

  it('shows a clarify question with the engine options as buttons', async () => {
    // A second server whose engine asks back on anything short of certainty.
    const calibration = { ...CALIBRATION, answer: 0.999, clarify: 0.001 };
    const asking = await startTestServer(
      { TELEGRAM_BOT_TOKEN: '123456:TEST-token', TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: fake.url, PUBLIC_URL: 'https://jardam.example.org', WEB_CHAT: 'false' },
      { calibration },
    );
    try {
      const text = 'документы для школы';
      const { reply } = engine.withCalibration(calibration).turn({ text }, {});
      expect(reply.kind).toBe('clarify');
      expect(await postUpdate(asking, textUpdate(user, text))).toBe(200);
      const [clarify] = fake.sent();
      expect(clarify!.text).toContain(engine.t('ru', 'clarify.pick'));
      expect(buttons(clarify!).map((b) => b.callback_data)).toEqual(reply.options.map((o) => o.action));
    } finally {
      await asking.stop();
    }
  });

  it('answers a button press and thanks for feedback', async () => {
    await post(callbackUpdate(user, 'entry:hotline-111'));
    expect(fake.sent()[0]!.text).toContain('111');
    await post(callbackUpdate(user, 'feedback:up'));
    expect(fake.sent()[1]!.text).toBe(t('ru', 'feedback.thanks'));
  });

  it('refuses a request without the right secret token and sends nothing', async () => {
    expect(await post(textUpdate(user, 'привет'), null)).toBe(401);
    expect(await post(textUpdate(user, 'привет'), 'wrong-secret-token-000000')).toBe(401);
    expect(fake.sent()).toEqual([]);
  });

  it('refuses malformed or foreign bodies with 400 and never answers them', async () => {
    const send = (body: string) =>
      fetch(`${app.url}${TELEGRAM_WEBHOOK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, body }).then((r) => r.status);
    expect(await send('{not json')).toBe(400);
    expect(await send('{"message":{"text":"hi"}}')).toBe(400);
    expect(await send('x'.repeat(2 * 1024 * 1024))).toBe(413);
    // A valid update in the wrong content type is refused too: Telegram always sends JSON.
    const asText = await fetch(`${app.url}${TELEGRAM_WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(textUpdate(user, 'что такое линия 1899')),
    });
    expect(asText.status).toBe(415);
    expect(fake.sent()).toEqual([]);
  });

  it('answers a voice note politely in the user’s language', async () => {
    await post(callbackUpdate(user, 'lang:fr'));
    fake.clear();
    await post(voiceUpdate(user));
    expect(fake.sent()[0]!.text).toBe(t('fr', 'error.unsupported_media'));
  });

  it('retries a 429 from Telegram and delivers the reply once', async () => {
    fake.failNext('sendMessage', { status: 429, retryAfter: 1 });
    await post(textUpdate(user, 'линия 111 что это'));
    expect(fake.calls.filter((c) => c.method === 'sendMessage:failed')).toHaveLength(1);
    expect(fake.sent()).toHaveLength(1);
  });

  it('answers a repeated update once', async () => {
    const update = textUpdate(user, 'что такое 1899');
    await post(update);
    await post(update);
    expect(fake.sent()).toHaveLength(1);
  });

  it('rate-limits a flood once, silently after, but never an emergency', async () => {
    for (let i = 0; i < 8; i++) await post(textUpdate(user, `вопрос про школу ${i}`));
    const limited = fake.sent().filter((m) => m.text === t('ru', 'error.rate_limited'));
    expect(limited).toHaveLength(1);
    expect(fake.sent()).toHaveLength(6);
    await post(textUpdate(user, 'муж бьет ребенка помогите'));
    expect(fake.sent().at(-1)!.text).toContain('111');
    expect(fake.sent().at(-1)!.text).toContain(engine.kb.replies.emergency.text.ru.trim().split('\n')[0]!);
  });
});
