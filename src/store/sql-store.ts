/**
 * The one Store implementation, over either SQL driver: the same statements run on SQLite and
 * PostgreSQL, so the contract tests exercise one piece of logic twice.
 */
import type { Channel, Lang, UserCountry } from '../types.js';
import type { ReplyKind } from '../engine/types.js';
import { isoWeek } from './week.js';
import type { SqlDriver, SqlValue } from './driver.js';
import { MIGRATIONS } from './migrations.js';
import type {
  Account,
  AuditRecord,
  FeedbackCount,
  FeedbackRecord,
  NewQuestion,
  NewTicket,
  NewTicketMessage,
  PurgeResult,
  QuestionReason,
  Role,
  Store,
  StoredQuestion,
  StoredUser,
  Ticket,
  TicketMessage,
  TicketReason,
  TicketStatus,
  TurnCount,
  TurnRecord,
  WaitingDelivery,
} from './types.js';

interface UserRow {
  key: string;
  channel: Channel;
  lang: Lang | null;
  country: UserCountry | null;
  role: Role;
  state: string;
  last_inbound_at: number | null;
  updated_at: number;
}

interface QuestionRow {
  id: number;
  at: number;
  user_key: string;
  channel: Channel;
  lang: Lang;
  country: UserCountry | null;
  reason: QuestionReason;
  entry: string | null;
  text: string;
}

interface TicketRow {
  id: number;
  user_key: string;
  channel: Channel;
  address: string | null;
  lang: Lang;
  country: UserCountry | null;
  reason: TicketReason;
  recent: string;
  status: TicketStatus;
  caseworker: string | null;
  opened_at: number;
  updated_at: number;
  closed_at: number | null;
}

interface MessageRow {
  id: number;
  ticket_id: number;
  at: number;
  sender: TicketMessage['from'];
  author: string | null;
  text: string;
  delivered: number;
}

interface AccountRow {
  username: string;
  role: Account['role'];
  password_hash: string;
  telegram_id: string | null;
  created_at: number;
}

interface AuditRow {
  at: number;
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
}

/** Optional columns come back as null; the types say "absent". */
const opt = <K extends string, V>(key: K, value: V | null): { [P in K]?: V } => (value === null ? {} : ({ [key]: value } as { [P in K]: V }));

const toUser = (r: UserRow): StoredUser => ({
  key: r.key,
  channel: r.channel,
  role: r.role,
  state: JSON.parse(r.state) as StoredUser['state'],
  updatedAt: r.updated_at,
  ...opt('lang', r.lang),
  ...opt('country', r.country),
  ...opt('lastInboundAt', r.last_inbound_at),
});

const toQuestion = (r: QuestionRow): StoredQuestion => ({
  id: r.id,
  at: r.at,
  userKey: r.user_key,
  channel: r.channel,
  lang: r.lang,
  reason: r.reason,
  text: r.text,
  ...opt('country', r.country),
  ...opt('entry', r.entry),
});

const toTicket = (r: TicketRow): Ticket => ({
  id: r.id,
  userKey: r.user_key,
  channel: r.channel,
  lang: r.lang,
  reason: r.reason,
  recent: JSON.parse(r.recent) as Ticket['recent'],
  status: r.status,
  at: r.opened_at,
  updatedAt: r.updated_at,
  ...opt('address', r.address),
  ...opt('country', r.country),
  ...opt('caseworker', r.caseworker),
  ...opt('closedAt', r.closed_at),
});

const toMessage = (r: MessageRow): TicketMessage => ({
  id: r.id,
  ticketId: r.ticket_id,
  at: r.at,
  from: r.sender,
  text: r.text,
  delivered: r.delivered === 1,
  ...opt('author', r.author),
});

const toAccount = (r: AccountRow): Account => ({
  username: r.username,
  role: r.role,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  ...opt('telegramId', r.telegram_id),
});

const toAudit = (r: AuditRow): AuditRecord => ({
  at: r.at,
  actor: r.actor,
  action: r.action,
  ...opt('target', r.target),
  ...opt('detail', r.detail),
});

/** `IN (?, ?, …)` for a list of values. */
const inList = (values: readonly unknown[]) => `(${values.map(() => '?').join(', ')})`;

export class SqlStore implements Store {
  readonly kind: Store['kind'];

  private constructor(private readonly db: SqlDriver) {
    this.kind = db.kind;
  }

  /** Opens the store on a driver and brings its schema up to date. */
  static async open(db: SqlDriver): Promise<SqlStore> {
    try {
      await db.migrate(MIGRATIONS);
    } catch (err) {
      await db.close();
      throw err;
    }
    return new SqlStore(db);
  }

  private async one<T>(sql: string, params: readonly SqlValue[]): Promise<T | undefined> {
    return (await this.db.all<T>(sql, params))[0];
  }

  async getUser(key: string): Promise<StoredUser | undefined> {
    const row = await this.one<UserRow>('SELECT * FROM users WHERE key = ?', [key]);
    return row && toUser(row);
  }

  async saveUser(user: StoredUser): Promise<void> {
    await this.db.run(
      `INSERT INTO users (key, channel, lang, country, role, state, last_inbound_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET channel = excluded.channel, lang = excluded.lang, country = excluded.country, role = excluded.role,
         state = excluded.state, last_inbound_at = excluded.last_inbound_at, updated_at = excluded.updated_at`,
      [user.key, user.channel, user.lang, user.country, user.role, JSON.stringify(user.state), user.lastInboundAt, user.updatedAt],
    );
  }

  async claim(id: string, at: number): Promise<boolean> {
    return (await this.db.run('INSERT INTO processed (id, at) VALUES (?, ?) ON CONFLICT DO NOTHING', [id, at])) === 1;
  }

  async enqueue(deliveries: readonly WaitingDelivery[]): Promise<Set<string>> {
    if (deliveries.length === 0) return new Set();
    const rows = deliveries.map(() => '(?, ?, ?, ?, ?)').join(', ');
    const params = deliveries.flatMap((d) => [d.id, d.at, d.channel, d.payload, d.leaseUntil]);
    const added = await this.db.all<{ id: string }>(`INSERT INTO processed (id, at, channel, payload, lease_until) VALUES ${rows} ON CONFLICT DO NOTHING RETURNING id`, params);
    return new Set(added.map((r) => r.id));
  }

  async takeWaiting(channel: Channel, now: number, leaseUntil: number, limit: number): Promise<WaitingDelivery[]> {
    // The outer condition is checked again on each row it updates, so two instances never both take
    // one; on PostgreSQL rows another instance is taking are skipped rather than waited for.
    const skipTaken = this.db.kind === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    const taken = await this.db.all<{ id: string; channel: Channel; payload: string; at: number | string; lease_until: number | string }>(
      `UPDATE processed SET lease_until = ?
       WHERE id IN (SELECT id FROM processed WHERE channel = ? AND payload IS NOT NULL AND lease_until < ? ORDER BY at LIMIT ?${skipTaken})
         AND payload IS NOT NULL AND lease_until < ?
       RETURNING id, channel, payload, at, lease_until`,
      [leaseUntil, channel, now, limit, now],
    );
    return taken.map((r) => ({ id: r.id, channel: r.channel, payload: r.payload, at: Number(r.at), leaseUntil: Number(r.lease_until) })).sort((a, b) => a.at - b.at);
  }

  async finish(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.db.run(`UPDATE processed SET payload = NULL, lease_until = NULL WHERE id IN (${ids.map(() => '?').join(', ')})`, ids);
  }

  async release(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.db.run(`UPDATE processed SET lease_until = 0 WHERE payload IS NOT NULL AND id IN (${ids.map(() => '?').join(', ')})`, ids);
  }

  async recordTurn(t: TurnRecord): Promise<void> {
    await this.db.run('INSERT INTO turns (at, week, channel, lang, country, kind, entry, topic) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      t.at,
      isoWeek(t.at),
      t.channel,
      t.lang,
      t.country,
      t.kind,
      t.entry,
      t.topic,
    ]);
  }

  async recordFeedback(f: FeedbackRecord): Promise<void> {
    await this.db.run('INSERT INTO feedback (at, week, channel, lang, country, entry, topic, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      f.at,
      isoWeek(f.at),
      f.channel,
      f.lang,
      f.country,
      f.entry,
      f.topic,
      f.value,
    ]);
  }

  async turnCounts(since = 0): Promise<TurnCount[]> {
    return this.db.all<TurnCount & { kind: ReplyKind }>(
      `SELECT week, channel, lang, country, kind, topic, COUNT(*) AS count FROM turns WHERE at >= ?
       GROUP BY week, channel, lang, country, kind, topic ORDER BY week, channel, lang, kind`,
      [since],
    );
  }

  async feedbackCounts(since = 0): Promise<FeedbackCount[]> {
    return this.db.all<FeedbackCount>(
      `SELECT week, channel, lang, country, topic, value, COUNT(*) AS count FROM feedback WHERE at >= ?
       GROUP BY week, channel, lang, country, topic, value ORDER BY week, channel, lang, value`,
      [since],
    );
  }

  async addQuestion(q: NewQuestion): Promise<StoredQuestion> {
    const row = await this.one<QuestionRow>(
      'INSERT INTO questions (at, user_key, channel, lang, country, reason, entry, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *',
      [q.at, q.userKey, q.channel, q.lang, q.country, q.reason, q.entry, q.text],
    );
    return toQuestion(row!);
  }

  async questions(options: { since?: number; reasons?: readonly QuestionReason[] } = {}): Promise<StoredQuestion[]> {
    const reasons = options.reasons ?? [];
    const byReason = reasons.length > 0 ? ` AND reason IN ${inList(reasons)}` : '';
    const rows = await this.db.all<QuestionRow>(`SELECT * FROM questions WHERE at >= ?${byReason} ORDER BY at, id`, [options.since ?? 0, ...reasons]);
    return rows.map(toQuestion);
  }

  async openTicket(t: NewTicket): Promise<{ ticket: Ticket; created: boolean }> {
    // The partial unique index allows one ticket that is not closed per family, across instances.
    for (let attempt = 0; attempt < 3; attempt++) {
      const row = await this.one<TicketRow>(
        `INSERT INTO tickets (user_key, channel, address, lang, country, reason, recent, status, opened_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) ON CONFLICT DO NOTHING RETURNING *`,
        [t.userKey, t.channel, t.address, t.lang, t.country, t.reason, JSON.stringify(t.recent), t.at, t.at],
      );
      if (row) return { ticket: toTicket(row), created: true };
      const active = await this.activeTicket(t.userKey);
      if (active) return { ticket: active, created: false };
      // Closed between the two statements: try again.
    }
    throw new Error('could not open a ticket');
  }

  async ticket(id: number): Promise<Ticket | undefined> {
    const row = await this.one<TicketRow>('SELECT * FROM tickets WHERE id = ?', [id]);
    return row && toTicket(row);
  }

  async activeTicket(userKey: string): Promise<Ticket | undefined> {
    const row = await this.one<TicketRow>("SELECT * FROM tickets WHERE user_key = ? AND status <> 'closed'", [userKey]);
    return row && toTicket(row);
  }

  async tickets(options: { status?: readonly TicketStatus[]; limit?: number } = {}): Promise<Ticket[]> {
    const status = options.status ?? [];
    const where = status.length > 0 ? `WHERE status IN ${inList(status)}` : '';
    const rows = await this.db.all<TicketRow>(`SELECT * FROM tickets ${where} ORDER BY id DESC LIMIT ?`, [...status, options.limit ?? 200]);
    return rows.map(toTicket);
  }

  async takeTicket(id: number, caseworker: string, at: number): Promise<Ticket | undefined> {
    const row = await this.one<TicketRow>(
      `UPDATE tickets SET status = 'taken', caseworker = ?, updated_at = ?
       WHERE id = ? AND (status = 'open' OR (status = 'taken' AND caseworker = ?)) RETURNING *`,
      [caseworker, at, id, caseworker],
    );
    return row && toTicket(row);
  }

  async closeTicket(id: number, at: number): Promise<Ticket | undefined> {
    const row = await this.one<TicketRow>(
      "UPDATE tickets SET status = 'closed', address = NULL, closed_at = ?, updated_at = ? WHERE id = ? AND status <> 'closed' RETURNING *",
      [at, at, id],
    );
    return row && toTicket(row);
  }

  async addTicketMessage(m: NewTicketMessage): Promise<TicketMessage> {
    const row = await this.one<MessageRow>(
      'INSERT INTO ticket_messages (ticket_id, at, sender, author, text, delivered) VALUES (?, ?, ?, ?, ?, ?) RETURNING *',
      [m.ticketId, m.at, m.from, m.author, m.text, m.delivered ? 1 : 0],
    );
    await this.db.run('UPDATE tickets SET updated_at = ? WHERE id = ? AND updated_at < ?', [m.at, m.ticketId, m.at]);
    return toMessage(row!);
  }

  async ticketMessages(ticketId: number): Promise<TicketMessage[]> {
    const rows = await this.db.all<MessageRow>('SELECT * FROM ticket_messages WHERE ticket_id = ? ORDER BY at, id', [ticketId]);
    return rows.map(toMessage);
  }

  async markDelivered(messageId: number): Promise<void> {
    await this.db.run('UPDATE ticket_messages SET delivered = 1 WHERE id = ?', [messageId]);
  }

  async createAccount(a: Account): Promise<boolean> {
    const changed = await this.db.run(
      'INSERT INTO accounts (username, role, password_hash, telegram_id, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      [a.username, a.role, a.passwordHash, a.telegramId, a.createdAt],
    );
    return changed === 1;
  }

  async account(username: string): Promise<Account | undefined> {
    const row = await this.one<AccountRow>('SELECT * FROM accounts WHERE username = ?', [username]);
    return row && toAccount(row);
  }

  async accountByTelegram(telegramId: string): Promise<Account | undefined> {
    const row = await this.one<AccountRow>('SELECT * FROM accounts WHERE telegram_id = ?', [telegramId]);
    return row && toAccount(row);
  }

  async accounts(): Promise<Account[]> {
    return (await this.db.all<AccountRow>('SELECT * FROM accounts ORDER BY username', [])).map(toAccount);
  }

  async deleteAccount(username: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM accounts WHERE username = ?', [username])) === 1;
  }

  async audit(r: AuditRecord): Promise<void> {
    await this.db.run('INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)', [r.at, r.actor, r.action, r.target, r.detail]);
  }

  async auditLog(limit = 100): Promise<AuditRecord[]> {
    return (await this.db.all<AuditRow>('SELECT at, actor, action, target, detail FROM audit ORDER BY at DESC, id DESC LIMIT ?', [limit])).map(toAudit);
  }

  async forget(userKey: string): Promise<number> {
    let deleted = 0;
    deleted += await this.db.run('DELETE FROM ticket_messages WHERE ticket_id IN (SELECT id FROM tickets WHERE user_key = ?)', [userKey]);
    deleted += await this.db.run('DELETE FROM tickets WHERE user_key = ?', [userKey]);
    deleted += await this.db.run('DELETE FROM questions WHERE user_key = ?', [userKey]);
    deleted += await this.db.run('DELETE FROM users WHERE key = ?', [userKey]);
    return deleted;
  }

  async purge({ before, processedBefore }: { before: number; processedBefore: number }): Promise<PurgeResult> {
    const questions = await this.db.run('DELETE FROM questions WHERE at < ?', [before]);
    await this.db.run("DELETE FROM ticket_messages WHERE ticket_id IN (SELECT id FROM tickets WHERE status = 'closed' AND closed_at < ?)", [before]);
    const tickets = await this.db.run("DELETE FROM tickets WHERE status = 'closed' AND closed_at < ?", [before]);
    // A family with a ticket still active keeps its settings, whatever their age.
    const users = await this.db.run(
      "DELETE FROM users WHERE updated_at < ? AND key NOT IN (SELECT user_key FROM tickets WHERE status <> 'closed')",
      [before],
    );
    const processed = await this.db.run('DELETE FROM processed WHERE (at < ? AND payload IS NULL) OR at < ?', [processedBefore, before]);
    return { questions, tickets, users, processed };
  }

  async pinSetting(name: string, value: string): Promise<string> {
    await this.db.run('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING', [name, value]);
    return (await this.one<{ value: string }>('SELECT value FROM settings WHERE name = ?', [name]))!.value;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
