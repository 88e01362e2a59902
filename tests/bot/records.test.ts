/**
 * What the conversation keeps, through the real server and its SQLite file: counts for every
 * reply, the text only of questions the bot could not answer or that got a 👎 (redacted), the
 * retention purge at start, and an emergency answered even when the database is gone.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { realEngine } from '../helpers/kb.js';
import { openStore } from '../../src/store/open.js';

const engine = realEngine();
let app: TestServer | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const family = { channel: 'web' as const, id: 'family-1' };

describe('what the conversation records', () => {
  it('counts every reply, and keeps only unanswered and 👎 questions, redacted', async () => {
    app = await startTestServer({ WEB_CHAT: 'false' });
    const { conversation, store } = app.server;
    await conversation.handle(family, { action: 'lang:ru' });
    await conversation.handle(family, { action: 'country:KZ' });
    const answered = await conversation.handle(family, { text: 'что такое линия 1899, мой телефон 0555123456' });
    expect(answered?.kind).toBe('answer');
    await conversation.handle(family, { action: 'feedback:down' });
    const fallback = await conversation.handle(family, { text: 'какой курс доллара сегодня? пишите на aigul@mail.ru' });
    expect(fallback?.kind).toBe('fallback');

    const questions = await store.questions();
    expect(questions.map((q) => [q.reason, q.entry, q.text])).toEqual([
      ['down', 'hotline-1899', 'что такое линия 1899, мой телефон [phone]'],
      ['fallback', undefined, 'какой курс доллара сегодня? пишите на [email]'],
    ]);
    expect(questions[0]).toMatchObject({ channel: 'web', lang: 'ru', country: 'KZ' });
    // The stored key is a pseudonym, not the channel's id.
    expect(questions[0]!.userKey).not.toContain('family-1');
    expect(questions[0]!.userKey).toBe(conversation.keyOf(family));

    const kinds = (await store.turnCounts()).reduce<Record<string, number>>((acc, c) => ({ ...acc, [c.kind]: (acc[c.kind] ?? 0) + c.count }), {});
    expect(kinds).toEqual({ intent: 3, answer: 1, fallback: 1 });
    expect(await store.feedbackCounts()).toEqual([expect.objectContaining({ value: 'down', topic: engine.kb.entries.get('hotline-1899')!.topic, count: 1 })]);
    expect((await store.getUser(conversation.keyOf(family)))?.state).toMatchObject({ lang: 'ru', country: 'KZ' });
  });

  it('purges personal data older than RETENTION_DAYS when the server starts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'jardam-retention-'));
    const store = await openStore({ dataDir });
    const old = Date.now() - 31 * 24 * 60 * 60 * 1000;
    await store.addQuestion({ at: old, userKey: 'web:old', channel: 'web', lang: 'ru', reason: 'fallback', text: 'старый вопрос' });
    await store.addQuestion({ at: Date.now(), userKey: 'web:new', channel: 'web', lang: 'ru', reason: 'fallback', text: 'новый вопрос' });
    await store.close();
    app = await startTestServer({ DATA_DIR: dataDir, RETENTION_DAYS: '30', WEB_CHAT: 'false' });
    const deadline = Date.now() + 5000;
    while ((await app.server.store.questions()).length > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect((await app.server.store.questions()).map((q) => q.text)).toEqual(['новый вопрос']);
  });

  it('still answers an emergency when the database is gone', async () => {
    app = await startTestServer({ WEB_CHAT: 'false' });
    await app.server.store.close();
    const reply = await app.server.conversation.handle(family, { text: 'мой муж бьет ребенка' });
    expect(reply?.kind).toBe('emergency');
    expect(reply?.text).toContain('111');
    const ordinary = await app.server.conversation.handle(family, { text: 'что такое линия 1899' });
    expect(ordinary?.kind).toBe('answer');
  });
});
