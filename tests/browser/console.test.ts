/**
 * The caseworkers' console in a real headless Chromium: a caseworker logs in on a phone-sized
 * screen, sees the ticket a family opened in the web chat, takes it, replies and sees that the
 * reply was delivered; an administrator sees the statistics tab. Saves tests/out/console.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { parse, stringify } from 'yaml';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/chromium.js';
import { eventually, startTestServer, type TestServer } from '../helpers/server.js';
import { realEngine } from '../helpers/kb.js';
import { PROJECT_ROOT } from '../../src/kb/load.js';
import { hashPassword } from '../../src/accounts/password.js';
import { WEB_SOCKET_PATH } from '../../src/channels/web/chat.js';

const PASSWORD = 'console test password';
const engine = realEngine();
const t = (key: string, options?: Record<string, unknown>) => engine.t('ru', key, options);
let app: TestServer;
let browser: Browser;

/** A family on the web chat's websocket, asking for a person. */
async function familyAsksForAPerson(): Promise<{ ws: WebSocket; received: Record<string, any>[] }> {
  const session = (await (await fetch(`${app.url}/web/session`, { method: 'POST' })).json()) as { token: string };
  const ws = new WebSocket(`${app.url.replace('http', 'ws')}${WEB_SOCKET_PATH}`);
  const received: Record<string, any>[] = [];
  ws.on('message', (data) => received.push(JSON.parse(String(data))));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  for (const action of ['lang:ru', 'country:KZ', 'intent:human']) {
    const before = received.length;
    ws.send(JSON.stringify({ type: 'message', action, token: session.token }));
    await eventually(() => received[before]);
  }
  expect(received.at(-1)!.text).toBe(t('handoff.opened'));
  return { ws, received };
}

beforeAll(async () => {
  app = await startTestServer({ WEB_SESSION_SECRET: 'x'.repeat(40), RATE_LIMIT_PER_MINUTE: '10000' });
  const passwordHash = await hashPassword(PASSWORD);
  await app.server.store.createAccount({ username: 'aigul', role: 'caseworker', passwordHash, createdAt: Date.now() });
  await app.server.store.createAccount({ username: 'root', role: 'admin', passwordHash, createdAt: Date.now() });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('the console in Chromium', () => {
  it('a caseworker takes a family’s ticket, replies and sees it delivered', async () => {
    const family = await familyAsksForAPerson();
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'ru-RU' });
    await page.goto(`${app.url}/console`);

    await page.getByLabel(t('console.username'), { exact: true }).fill('aigul');
    await page.getByLabel(t('console.password'), { exact: true }).fill('wrong password!');
    await page.getByRole('button', { name: t('console.login'), exact: true }).click();
    await expect.poll(() => page.locator('#login-error').textContent()).toBe(t('console.login_failed'));
    await page.getByLabel(t('console.password'), { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: t('console.login'), exact: true }).click();
    await expect.poll(() => page.locator('#whoami').textContent()).toBe(t('console.signed_in_as', { username: 'aigul', role: t('console.role.caseworker') }));
    // Caseworkers do not see the administrators' tab.
    expect(await page.locator('#tab-admin').isHidden()).toBe(true);

    // The family's ticket is in the list; open it.
    const item = page.locator('#active button.ticket').first();
    await expect.poll(() => item.textContent(), { timeout: 10_000 }).toContain(t('caseworker.status.open'));
    await item.click();
    await expect.poll(() => page.locator('#ticket-heading').textContent()).toContain(t('caseworker.status.open'));
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('ticket-heading');

    await page.getByRole('button', { name: t('caseworker.take'), exact: true }).click();
    await expect.poll(() => page.locator('#ticket-heading').textContent()).toContain(t('caseworker.status.taken', { caseworker: 'aigul' }));

    const before = family.received.length;
    await page.getByLabel(t('console.reply_label', { lang: t('language.ru') })).fill('Здравствуйте! Я помогу вам с регистрацией.');
    await page.getByRole('button', { name: t('console.send'), exact: true }).click();
    await expect.poll(() => page.locator('#delivery').textContent()).toBe(t('caseworker.delivery.sent'));
    await expect.poll(() => page.locator('#messages li.caseworker .text').last().textContent()).toBe('Здравствуйте! Я помогу вам с регистрацией.');
    const delivered = await eventually(() => family.received[before]);
    expect(delivered.text).toBe(t('handoff.from_caseworker', { text: 'Здравствуйте! Я помогу вам с регистрацией.' }));

    // The relay panel: an answer in Kyrgyz with its source line, ready to copy.
    await page.getByLabel(t('console.relay_question'), { exact: true }).fill('что такое линия 111');
    await page.getByLabel(t('console.relay_lang'), { exact: true }).selectOption('ky');
    await page.getByRole('button', { name: t('console.relay_submit'), exact: true }).click();
    await expect.poll(() => page.locator('#relay-result').inputValue()).toContain('Булагы:');
    expect(await page.getByRole('button', { name: t('console.copy'), exact: true }).isVisible()).toBe(true);

    const out = join(PROJECT_ROOT, 'tests/out');
    mkdirSync(out, { recursive: true });
    await page.locator('#detail').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(out, 'console.png'), fullPage: true });
    family.ws.close();
    await page.close();
  }, 60_000);

  it('an administrator sees the statistics tab', async () => {
    await app.server.store.recordTurn({ at: Date.now(), channel: 'web', lang: 'ky', kind: 'answer', topic: 'school' });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU' });
    await page.goto(`${app.url}/console`);
    await page.getByLabel(t('console.username'), { exact: true }).fill('root');
    await page.getByLabel(t('console.password'), { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: t('console.login'), exact: true }).click();
    const tab = page.getByRole('tab', { name: t('console.tab_admin') });
    await tab.click();
    expect(await tab.getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => page.getByRole('heading', { name: t('console.stats_title') }).isVisible()).toBe(true);
    await expect.poll(() => page.locator('#stats table').count()).toBeGreaterThan(1);
    await expect.poll(() => page.locator('#stats').textContent()).toContain('school');
    expect(await page.locator('#stats-csv').getAttribute('href')).toBe('/console/api/admin/stats?format=csv');
    await expect.poll(() => page.locator('#knowledge').textContent()).toContain(String(engine.kb.entries.size));
    await expect.poll(() => page.locator('#audit table tbody tr').count()).toBeGreaterThan(0);

    // The language switcher: the same page in Kyrgyz.
    await page.getByRole('button', { name: 'Кыргызча' }).click();
    await expect.poll(() => page.getByRole('heading', { name: engine.t('ky', 'console.stats_title') }).isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ky');
    await page.screenshot({ path: join(PROJECT_ROOT, 'tests/out/console-admin.png'), fullPage: true });
    await page.close();
  }, 60_000);

  it('warns an administrator, with file, field and language, when a knowledge change was rejected', async () => {
    const root = mkdtempSync(join(tmpdir(), 'jardam-console-browser-'));
    for (const folder of ['knowledge', 'intents', 'locales', 'public']) cpSync(join(PROJECT_ROOT, folder), join(root, folder), { recursive: true });
    const scratch = await startTestServer({ WATCH_KNOWLEDGE: 'true' }, { root });
    try {
      await scratch.server.store.createAccount({ username: 'root', role: 'admin', passwordHash: await hashPassword(PASSWORD), createdAt: Date.now() });
      const file = 'knowledge/entries/hotline-111.yaml';
      const entry = parse(readFileSync(join(root, file), 'utf8')) as Record<string, any>;
      entry.answer.fr = '';
      writeFileSync(join(root, `${file}.tmp`), stringify(entry));
      renameSync(join(root, `${file}.tmp`), join(root, file));
      await eventually(() => scratch.server.knowledge.status().lastRejection, 5000);

      const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'fr-FR' });
      await page.goto(`${scratch.url}/console`);
      await page.getByRole('button', { name: 'Français' }).click();
      const fr = (key: string) => engine.t('fr', key);
      await page.getByLabel(fr('console.username'), { exact: true }).fill('root');
      await page.getByLabel(fr('console.password'), { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: fr('console.login'), exact: true }).click();
      await page.getByRole('tab', { name: fr('console.tab_admin') }).click();
      const alert = page.locator('#knowledge [role="alert"]');
      await expect.poll(() => alert.isVisible()).toBe(true);
      const text = await alert.textContent();
      expect(text).toContain(file);
      expect(text).toContain('answer.fr');
      expect(await alert.locator('td').allTextContents()).toContain('fr');
      await page.close();
    } finally {
      await scratch.stop();
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});
