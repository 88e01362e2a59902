import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FakeTelegram, textUpdate } from '../helpers/fake-telegram.js';
import { eventually, startTestServer } from '../helpers/server.js';
import { realEngine } from '../helpers/kb.js';
import { setupTelegram } from '../../src/channels/telegram/setup.js';
import { CASEWORKER_COMMANDS } from '../../src/channels/telegram/caseworkers.js';
import { COMMANDS } from '../../src/channels/telegram/bot.js';
import { PROJECT_ROOT } from '../../src/kb/load.js';

const engine = realEngine();
let fake: FakeTelegram;

beforeAll(async () => {
  fake = await new FakeTelegram().start();
});
afterAll(async () => {
  await fake.stop();
});

describe('Telegram set-up and long polling', () => {
  it('registers the webhook with its secret and the command menu in every language', async () => {
    fake.clear();
    const config = { token: '1:abc', mode: 'webhook' as const, webhookSecret: 'x'.repeat(20), apiRoot: fake.url, apiDeadlineMs: 60_000 };
    await setupTelegram(config, 'https://jardam.example.org', '/telegram/webhook', engine.t);
    const hook = fake.calls.find((c) => c.method === 'setWebhook')!;
    expect(hook.body).toMatchObject({ url: 'https://jardam.example.org/telegram/webhook', secret_token: 'x'.repeat(20) });
    const menus = fake.calls.filter((c) => c.method === 'setMyCommands');
    expect(menus.map((c) => c.body.language_code)).toEqual(['fr', 'ru', 'ky', undefined]);
    for (const menu of menus) {
      expect(menu.body.commands.map((c: { command: string }) => c.command)).toEqual(Object.keys(COMMANDS));
      for (const c of menu.body.commands) expect(c.description).not.toMatch(/^telegram\./);
    }
  });

  it('gives the caseworkers’ group its own command menu, in the caseworkers’ language', async () => {
    fake.clear();
    const config = { token: '1:abc', mode: 'polling' as const, apiRoot: fake.url, apiDeadlineMs: 60_000 };
    await setupTelegram(config, undefined, '/telegram/webhook', engine.t, { chatId: '-100555', telegramIds: [], lang: 'ky' });
    const group = fake.calls.find((c) => c.method === 'setMyCommands' && c.body.scope)!;
    expect(group.body.scope).toEqual({ type: 'chat', chat_id: '-100555' });
    expect(group.body.commands).toEqual(CASEWORKER_COMMANDS.map((command) => ({ command, description: engine.t('ky', `caseworker.commands.${command}`) })));
    expect(group.body.commands[0].description).toContain('/for');
  });

  it('answers in long-polling mode with the grammY runner', async () => {
    fake.clear();
    const app = await startTestServer({ TELEGRAM_BOT_TOKEN: '123456:TEST-token', TELEGRAM_MODE: 'polling', TELEGRAM_API_ROOT: fake.url, WEB_CHAT: 'false' });
    try {
      fake.pending.push(textUpdate(777, '/human'));
      const sent = await eventually(() => fake.sent()[0]);
      expect(sent.chat_id).toBe(777);
      expect(sent.text).toContain(engine.t('ru', 'intent.human'));
    } finally {
      await app.stop();
    }
  });
});

describe('the Botkit fence', () => {
  it('imports botkit and its web adapter only inside src/channels/web', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
      });
    const importers = files(join(PROJECT_ROOT, 'src')).filter((f) => /from '(botkit|botbuilder[\w-]*)'/.test(readFileSync(f, 'utf8')));
    expect(importers.length).toBeGreaterThan(0);
    for (const f of importers) expect(f).toContain(join('src', 'channels', 'web'));
  });
});
