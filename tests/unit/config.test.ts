import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const errorOf = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a configuration error');
};

describe('configuration from the environment', () => {
  it('starts the web chat on port 3000 with nothing set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, webChat: true, dataDir: 'data' });
    expect(config.telegram).toBeUndefined();
    expect(config.whatsapp).toBeUndefined();
  });

  it('switches Telegram on with a token, polling without a public URL and webhook with one', () => {
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: '1:abc' }).telegram?.mode).toBe('polling');
    const hook = loadConfig({ TELEGRAM_BOT_TOKEN: '1:abc', PUBLIC_URL: 'https://x.org/', TELEGRAM_WEBHOOK_SECRET: 'a'.repeat(20) });
    expect(hook.telegram?.mode).toBe('webhook');
    expect(hook.publicUrl).toBe('https://x.org');
  });

  it('names the variable in every error', () => {
    expect(errorOf({ PORT: 'eighty' })).toMatch(/^PORT: /);
    expect(errorOf({ TELEGRAM_BOT_TOKEN: 'nope' })).toMatch(/^TELEGRAM_BOT_TOKEN: /);
    expect(errorOf({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_MODE: 'webhook' })).toMatch(/TELEGRAM_WEBHOOK_SECRET: required.*\n.*PUBLIC_URL: required/s);
    expect(errorOf({ WHATSAPP_ACCESS_TOKEN: 't' })).toMatch(/WHATSAPP_PHONE_NUMBER_ID: required[\s\S]*WHATSAPP_APP_SECRET: required[\s\S]*WHATSAPP_VERIFY_TOKEN: required/);
    expect(errorOf({ WEB_CHAT: 'maybe' })).toMatch(/^WEB_CHAT: must be true or false/);
    expect(errorOf({ PUBLIC_URL: 'not a url' })).toMatch(/^PUBLIC_URL: /);
    expect(errorOf({ TELEGRAM_API_DEADLINE_MS: '500' })).toMatch(/^TELEGRAM_API_DEADLINE_MS: /);
    expect(errorOf({ TELEGRAM_API_DEADLINE_MS: 'forever' })).toMatch(/^TELEGRAM_API_DEADLINE_MS: /);
  });

  it('bounds a Bot API call with its retries by TELEGRAM_API_DEADLINE_MS, a minute unless set', () => {
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: '1:abc' }).telegram?.apiDeadlineMs).toBe(60_000);
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_API_DEADLINE_MS: '15000' }).telegram?.apiDeadlineMs).toBe(15_000);
  });
});
