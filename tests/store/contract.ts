/**
 * The storage contract: what every Store must do, run against SQLite and PostgreSQL alike.
 * `database()` makes a fresh, empty database and a way to open stores on it, so tests can open
 * two stores on one database (two instances) or reopen one (a restart).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewTicket, Store, StoredUser } from '../../src/store/types.js';

export interface TestDatabase {
  open(): Promise<Store>;
  drop(): Promise<void>;
}

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 10, 24, 12); // a Tuesday, ISO week 2026-W48

const user = (key: string, over: Partial<StoredUser> = {}): StoredUser => ({
  key,
  channel: 'telegram',
  role: 'family',
  state: { lang: 'ky', options: ['entry:school-enrollment-kz'] },
  updatedAt: T0,
  ...over,
});

const newTicket = (userKey: string, over: Partial<NewTicket> = {}): NewTicket => ({
  userKey,
  channel: 'whatsapp',
  address: '996555123456',
  lang: 'ru',
  country: 'KZ',
  reason: 'asked',
  recent: [{ at: T0 - 1000, kind: 'fallback', question: 'сколько стоит патент' }],
  at: T0,
  ...over,
});

export function storeContract(name: string, database: () => Promise<TestDatabase>): void {
  describe(`Store contract: ${name}`, () => {
    let db: TestDatabase;
    let store: Store;
    const extra: Store[] = [];
    const another = async () => {
      const s = await db.open();
      extra.push(s);
      return s;
    };

    beforeEach(async () => {
      db = await database();
      store = await db.open();
    });
    afterEach(async () => {
      for (const s of extra.splice(0)) await s.close();
      await store.close();
      await db.drop();
    });

    it('keeps user settings and conversation state, and updates them in place', async () => {
      expect(await store.getUser('telegram:a')).toBeUndefined();
      await store.saveUser(user('telegram:a'));
      expect(await store.getUser('telegram:a')).toEqual(user('telegram:a'));
      const changed = user('telegram:a', { lang: 'fr', country: 'KG', role: 'caseworker', lastInboundAt: T0 + 5, updatedAt: T0 + 9, state: { lang: 'fr', recent: [{ at: T0, kind: 'answer', entry: 'x' }] } });
      await store.saveUser(changed);
      expect(await store.getUser('telegram:a')).toEqual(changed);
    });

    it('survives a restart: a reopened database has the data and the schema is migrated once', async () => {
      await store.saveUser(user('web:b'));
      await store.close();
      store = await db.open();
      expect((await store.getUser('web:b'))?.state).toEqual(user('web:b').state);
    });

    it('claims a delivery id once, across two instances racing for it', async () => {
      const second = await another();
      expect(await store.claim('telegram:update:1', T0)).toBe(true);
      expect(await store.claim('telegram:update:1', T0)).toBe(false);
      expect(await second.claim('telegram:update:1', T0)).toBe(false);
      const raced = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? store : second).claim('whatsapp:wamid.X', T0)));
      expect(raced.filter(Boolean)).toHaveLength(1);
    });

    it('holds waiting deliveries: new ones once, taken by one instance at a time, until answered', async () => {
      const second = await another();
      const delivery = (id: string, at: number, leaseUntil = 0) => ({ id, channel: 'telegram' as const, payload: JSON.stringify({ update_id: id }), at, leaseUntil });
      expect(await store.enqueue([delivery('tg:1', T0, T0 + 60_000), delivery('tg:2', T0 + 1), delivery('tg:3', T0 + 2)])).toEqual(new Set(['tg:1', 'tg:2', 'tg:3']));
      // A replay is refused by either instance, and by the older claim too.
      expect(await second.enqueue([delivery('tg:2', T0 + 5), delivery('tg:4', T0 + 6)])).toEqual(new Set(['tg:4']));
      expect(await store.claim('tg:4', T0)).toBe(false);
      await store.claim('tg:5', T0);
      expect(await store.enqueue([delivery('tg:5', T0 + 7)])).toEqual(new Set());

      // tg:1 is leased until T0 + 60 s: only the others can be taken, oldest first, by one instance each.
      const [a, b] = await Promise.all([store.takeWaiting('telegram', T0 + 10, T0 + 300_000, 2), second.takeWaiting('telegram', T0 + 10, T0 + 300_000, 2)]);
      const taken = [...a, ...b].map((d) => d.id);
      expect(taken.sort()).toEqual(['tg:2', 'tg:3', 'tg:4']);
      expect(a.map((d) => d.at)).toEqual([...a.map((d) => d.at)].sort((x, y) => x - y));
      expect([...a, ...b].find((d) => d.id === 'tg:2')).toEqual({ ...delivery('tg:2', T0 + 1), leaseUntil: T0 + 300_000 });
      expect(await store.takeWaiting('whatsapp', T0 + 10, T0 + 300_000, 10)).toEqual([]);
      expect(await store.takeWaiting('telegram', T0 + 20, T0 + 300_000, 10)).toEqual([]);
      // Once the lease is over (the instance holding tg:1 died), anyone takes it.
      expect((await second.takeWaiting('telegram', T0 + 60_001, T0 + 400_000, 10)).map((d) => d.id)).toEqual(['tg:1']);

      // Answered: the payload is gone, the id stays against replays. Released: taken again at once.
      await store.finish(['tg:1', 'tg:2', 'tg:3']);
      await store.release(['tg:4', 'tg:1']);
      expect((await store.takeWaiting('telegram', T0 + 30, T0 + 300_000, 10)).map((d) => d.id)).toEqual(['tg:4']);
      expect(await store.enqueue([delivery('tg:1', T0 + 40)])).toEqual(new Set());
      // The retention purge drops answered ids after their time, and any payload past retention.
      await store.finish(['tg:4']);
      await store.enqueue([delivery('tg:old', T0 - 100 * DAY)]);
      const purged = await store.purge({ before: T0 - 90 * DAY, processedBefore: T0 + 100 });
      expect(purged.processed).toBe(6);
      expect(await store.takeWaiting('telegram', T0 + 50, T0 + 300_000, 10)).toEqual([]);
    });

    it('counts turns and feedback by week, channel, language, country, kind and topic', async () => {
      const turn = { channel: 'telegram', lang: 'ru', country: 'KZ', kind: 'answer', entry: 'school-enrollment-kz', topic: 'school-enrollment' } as const;
      await store.recordTurn({ ...turn, at: T0 });
      await store.recordTurn({ ...turn, at: T0 + 1 });
      await store.recordTurn({ ...turn, at: T0 + 7 * DAY });
      await store.recordTurn({ at: T0, channel: 'web', lang: 'ky', kind: 'fallback' });
      await store.recordFeedback({ at: T0, channel: 'telegram', lang: 'ru', country: 'KZ', entry: 'school-enrollment-kz', topic: 'school-enrollment', value: 'up' });
      await store.recordFeedback({ at: T0, channel: 'telegram', lang: 'ru', country: 'KZ', entry: 'school-enrollment-kz', topic: 'school-enrollment', value: 'up' });
      await store.recordFeedback({ at: T0, channel: 'web', lang: 'ky', value: 'down' });

      const turns = await store.turnCounts();
      expect(turns).toHaveLength(3);
      expect(turns).toContainEqual({ week: '2026-W48', channel: 'telegram', lang: 'ru', country: 'KZ', kind: 'answer', topic: 'school-enrollment', count: 2 });
      expect(turns).toContainEqual({ week: '2026-W49', channel: 'telegram', lang: 'ru', country: 'KZ', kind: 'answer', topic: 'school-enrollment', count: 1 });
      expect(turns).toContainEqual({ week: '2026-W48', channel: 'web', lang: 'ky', country: null, kind: 'fallback', topic: null, count: 1 });
      expect(await store.turnCounts(T0 + DAY)).toEqual([{ week: '2026-W49', channel: 'telegram', lang: 'ru', country: 'KZ', kind: 'answer', topic: 'school-enrollment', count: 1 }]);

      const feedback = await store.feedbackCounts();
      expect(feedback).toContainEqual({ week: '2026-W48', channel: 'telegram', lang: 'ru', country: 'KZ', topic: 'school-enrollment', value: 'up', count: 2 });
      expect(feedback).toContainEqual({ week: '2026-W48', channel: 'web', lang: 'ky', country: null, topic: null, value: 'down', count: 1 });
    });

    it('keeps unanswered and down-voted questions, filtered by time and reason', async () => {
      const q = { userKey: 'whatsapp:k', channel: 'whatsapp', lang: 'ru', country: 'RU', text: 'сколько стоит патент в москве' } as const;
      const first = await store.addQuestion({ ...q, at: T0, reason: 'detail', entry: 'work-permit-ru' });
      await store.addQuestion({ ...q, at: T0 + 10, reason: 'fallback' });
      await store.addQuestion({ ...q, at: T0 + 20, reason: 'down', entry: 'remittances' });
      expect(first).toMatchObject({ ...q, at: T0, reason: 'detail', entry: 'work-permit-ru' });
      expect(typeof first.id).toBe('number');
      expect((await store.questions()).map((x) => x.reason)).toEqual(['detail', 'fallback', 'down']);
      expect((await store.questions({ since: T0 + 5 })).map((x) => x.reason)).toEqual(['fallback', 'down']);
      expect((await store.questions({ reasons: ['down', 'detail'] })).map((x) => x.reason)).toEqual(['detail', 'down']);
      expect((await store.questions())[1]).not.toHaveProperty('entry');
    });

    it('opens one ticket per family, even when two instances open it at once', async () => {
      const second = await another();
      const opened = await Promise.all([store.openTicket(newTicket('whatsapp:f')), second.openTicket(newTicket('whatsapp:f'))]);
      expect(opened.filter((o) => o.created)).toHaveLength(1);
      expect(opened[0]!.ticket.id).toBe(opened[1]!.ticket.id);
      const ticket = opened[0]!.ticket;
      expect(ticket).toMatchObject({ status: 'open', userKey: 'whatsapp:f', channel: 'whatsapp', address: '996555123456', lang: 'ru', country: 'KZ', reason: 'asked', at: T0 });
      expect(ticket.recent).toEqual(newTicket('x').recent);
      expect(await store.activeTicket('whatsapp:f')).toEqual(ticket);
      expect(await store.activeTicket('whatsapp:other')).toBeUndefined();
    });

    it('lets one caseworker take a ticket, keeps its messages, and closes it once, forgetting the address', async () => {
      const { ticket } = await store.openTicket(newTicket('telegram:f'));
      const second = await another();
      const taken = await Promise.all([store.takeTicket(ticket.id, 'aigul', T0 + 1), second.takeTicket(ticket.id, 'marat', T0 + 1)]);
      const winner = taken.find((t) => t !== undefined)!;
      expect(taken.filter((t) => t !== undefined)).toHaveLength(1);
      expect(winner.status).toBe('taken');
      const loser = winner.caseworker === 'aigul' ? 'marat' : 'aigul';
      expect(await store.takeTicket(ticket.id, loser, T0 + 2)).toBeUndefined();
      expect((await store.takeTicket(ticket.id, winner.caseworker!, T0 + 2))?.caseworker).toBe(winner.caseworker);

      await store.addTicketMessage({ ticketId: ticket.id, at: T0 + 3, from: 'family', text: 'помогите пожалуйста', delivered: true });
      await store.addTicketMessage({ ticketId: ticket.id, at: T0 + 4, from: 'caseworker', author: winner.caseworker!, text: 'Здравствуйте!', delivered: false });
      const messages = await store.ticketMessages(ticket.id);
      expect(messages.map((m) => [m.from, m.text, m.delivered])).toEqual([
        ['family', 'помогите пожалуйста', true],
        ['caseworker', 'Здравствуйте!', false],
      ]);
      expect(messages[0]).not.toHaveProperty('author');
      await store.markDelivered(messages[1]!.id);
      expect((await store.ticketMessages(ticket.id))[1]!.delivered).toBe(true);
      expect((await store.ticket(ticket.id))?.updatedAt).toBe(T0 + 4);

      const closed = await store.closeTicket(ticket.id, T0 + 5);
      expect(closed).toMatchObject({ status: 'closed', closedAt: T0 + 5 });
      expect(closed).not.toHaveProperty('address');
      expect(await store.closeTicket(ticket.id, T0 + 6)).toBeUndefined();
      expect(await store.takeTicket(ticket.id, winner.caseworker!, T0 + 6)).toBeUndefined();
      expect(await store.activeTicket('telegram:f')).toBeUndefined();

      const reopened = await store.openTicket(newTicket('telegram:f', { at: T0 + 7 }));
      expect(reopened.created).toBe(true);
      expect(reopened.ticket.id).not.toBe(ticket.id);
      expect((await store.tickets({ status: ['open'] })).map((t) => t.id)).toEqual([reopened.ticket.id]);
      expect((await store.tickets()).map((t) => t.id)).toEqual([reopened.ticket.id, ticket.id]);
      expect(await store.tickets({ limit: 1 })).toHaveLength(1);
    });

    it('keeps caseworker and administrator accounts, unique by name and Telegram id', async () => {
      const aigul = { username: 'aigul', role: 'caseworker', passwordHash: 'scrypt$x$y', telegramId: '4242', createdAt: T0 } as const;
      expect(await store.createAccount(aigul)).toBe(true);
      expect(await store.createAccount({ ...aigul, telegramId: '1' })).toBe(false);
      expect(await store.createAccount({ username: 'admin', role: 'admin', passwordHash: 'scrypt$a$b', createdAt: T0 })).toBe(true);
      expect(await store.createAccount({ ...aigul, username: 'other' })).toBe(false);
      expect(await store.account('aigul')).toEqual(aigul);
      expect(await store.accountByTelegram('4242')).toEqual(aigul);
      expect(await store.accountByTelegram('999')).toBeUndefined();
      expect((await store.accounts()).map((a) => a.username)).toEqual(['admin', 'aigul']);
      expect(await store.account('admin')).not.toHaveProperty('telegramId');
      expect(await store.deleteAccount('aigul')).toBe(true);
      expect(await store.deleteAccount('aigul')).toBe(false);
      expect(await store.account('aigul')).toBeUndefined();
    });

    it('keeps an audit log of administrative actions, newest first', async () => {
      await store.audit({ at: T0, actor: 'cli', action: 'account.create', target: 'aigul' });
      await store.audit({ at: T0 + 1, actor: 'aigul', action: 'ticket.close', target: '7', detail: 'resolved' });
      expect(await store.auditLog()).toEqual([
        { at: T0 + 1, actor: 'aigul', action: 'ticket.close', target: '7', detail: 'resolved' },
        { at: T0, actor: 'cli', action: 'account.create', target: 'aigul' },
      ]);
      expect(await store.auditLog(1)).toHaveLength(1);
    });

    it('forgets everything about one person and nothing about anyone else', async () => {
      for (const key of ['whatsapp:gone', 'whatsapp:kept']) {
        await store.saveUser(user(key, { channel: 'whatsapp' }));
        await store.addQuestion({ at: T0, userKey: key, channel: 'whatsapp', lang: 'ru', reason: 'fallback', text: 'вопрос' });
        const { ticket } = await store.openTicket(newTicket(key));
        await store.addTicketMessage({ ticketId: ticket.id, at: T0, from: 'family', text: 'текст', delivered: true });
      }
      const keptTicket = (await store.activeTicket('whatsapp:kept'))!;
      const goneTicket = (await store.activeTicket('whatsapp:gone'))!;
      expect(await store.forget('whatsapp:gone')).toBe(4);
      expect(await store.getUser('whatsapp:gone')).toBeUndefined();
      expect(await store.activeTicket('whatsapp:gone')).toBeUndefined();
      expect(await store.ticket(goneTicket.id)).toBeUndefined();
      expect(await store.ticketMessages(goneTicket.id)).toEqual([]);
      expect((await store.questions()).map((q) => q.userKey)).toEqual(['whatsapp:kept']);
      expect(await store.getUser('whatsapp:kept')).toBeDefined();
      expect(await store.ticketMessages(keptTicket.id)).toHaveLength(1);
      expect(await store.forget('whatsapp:gone')).toBe(0);
    });

    it('purges personal data past the retention period, but not active tickets or recent data', async () => {
      const old = T0 - 100 * DAY;
      const cutoff = T0 - 90 * DAY;
      await store.saveUser(user('telegram:idle', { updatedAt: old }));
      await store.saveUser(user('telegram:waiting', { updatedAt: old }));
      await store.saveUser(user('telegram:recent', { updatedAt: T0 }));
      await store.openTicket(newTicket('telegram:waiting', { at: old }));
      const { ticket: done } = await store.openTicket(newTicket('telegram:idle', { at: old }));
      await store.addTicketMessage({ ticketId: done.id, at: old, from: 'family', text: 'старое', delivered: true });
      await store.closeTicket(done.id, old + 1);
      await store.addQuestion({ at: old, userKey: 'telegram:idle', channel: 'telegram', lang: 'ru', reason: 'fallback', text: 'старый вопрос' });
      await store.addQuestion({ at: T0, userKey: 'telegram:recent', channel: 'telegram', lang: 'ru', reason: 'fallback', text: 'новый вопрос' });
      await store.claim('old-update', old);
      await store.claim('new-update', T0);
      await store.recordTurn({ at: old, channel: 'telegram', lang: 'ru', kind: 'answer' });

      const result = await store.purge({ before: cutoff, processedBefore: T0 - DAY });
      expect(result).toEqual({ questions: 1, tickets: 1, users: 1, processed: 1 });
      expect(await store.getUser('telegram:idle')).toBeUndefined();
      expect(await store.getUser('telegram:waiting')).toBeDefined();
      expect(await store.activeTicket('telegram:waiting')).toBeDefined();
      expect(await store.ticketMessages(done.id)).toEqual([]);
      expect((await store.questions()).map((q) => q.text)).toEqual(['новый вопрос']);
      expect(await store.claim('old-update', T0)).toBe(true);
      expect(await store.claim('new-update', T0)).toBe(false);
      // Counts hold no person and stay for the statistics.
      expect(await store.turnCounts()).toHaveLength(1);
    });

    it('pins a setting: the first value stays, whoever writes later', async () => {
      expect(await store.pinSetting('pseudonym-fingerprint', 'aaa')).toBe('aaa');
      const second = await another();
      expect(await second.pinSetting('pseudonym-fingerprint', 'bbb')).toBe('aaa');
    });
  });
}
