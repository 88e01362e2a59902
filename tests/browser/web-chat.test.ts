/**
 * The web chat in a real headless Chromium (Debian's `chromium`, installed by .ci/run): open the
 * page, pick Kyrgyz, ask, see the answer and its source line, press a quick reply. Saves a
 * screenshot to tests/out/web-chat.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/chromium.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { realEngine } from '../helpers/kb.js';
import { PROJECT_ROOT } from '../../src/kb/load.js';

const engine = realEngine();
let app: TestServer;
let browser: Browser;

beforeAll(async () => {
  app = await startTestServer();
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('web chat in Chromium', () => {
  it('picks Kyrgyz, answers with its source, follows a quick reply', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'ky-KG' });
    await page.goto(`${app.url}/`);
    const log = page.locator('#log');

    // First visit: the language question with three buttons; choose Kyrgyz.
    await expect.poll(() => log.locator('li.bot').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await log.locator('li.bot').first().getByRole('button', { name: engine.t('ky', 'language.ky') }).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('ky');
    // Then the country question; choose Kazakhstan.
    await expect.poll(() => log.locator('li.bot').count()).toBe(2);
    await log.locator('li.bot').nth(1).getByRole('button', { name: engine.t('ky', 'country.KZ') }).click();
    await expect.poll(() => log.locator('li.bot').count()).toBe(3);

    const question = 'balamdy mektepke kantip berem, dokument jok';
    const { reply } = engine.turn({ text: question }, { lang: 'ky', country: 'KZ' });
    expect(reply.kind).toBe('answer');
    await page.getByLabel(engine.t('ky', 'web.placeholder')).fill(question);
    await page.getByRole('button', { name: engine.t('ky', 'web.send') }).click();
    await expect.poll(() => log.locator('li.bot').count()).toBe(4);
    const answer = log.locator('li.bot').nth(3);
    await expect.poll(() => answer.locator('.title').textContent()).toBe(reply.title);
    await expect.poll(() => answer.locator('.source').textContent()).toBe(reply.source);
    expect(await answer.getAttribute('lang')).toBe('ky');

    // A quick reply: the first option under the answer opens that entry.
    const option = reply.options[0]!;
    await answer.getByRole('button', { name: option.label }).click();
    await expect.poll(() => log.locator('li.bot').count()).toBe(5);
    const followed = engine.kb.entries.get(option.entry!)!;
    await expect.poll(() => log.locator('li.bot').nth(4).locator('.title').textContent()).toBe(followed.title.ky);

    const out = join(PROJECT_ROOT, 'tests/out');
    mkdirSync(out, { recursive: true });
    await page.screenshot({ path: join(out, 'web-chat.png'), fullPage: true });
  }, 60_000);
});
