/**
 * The schema, as migrations both databases run unchanged (a portable subset of SQL: TEXT,
 * BIGINT, INTEGER, partial unique indexes, ON CONFLICT, RETURNING). Append; never edit one
 * that has shipped.
 */
import type { Migration } from './driver.js';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE users (
  key TEXT PRIMARY KEY,
  channel TEXT NOT NULL,
  lang TEXT,
  country TEXT,
  role TEXT NOT NULL,
  state TEXT NOT NULL,
  last_inbound_at BIGINT,
  updated_at BIGINT NOT NULL
);
CREATE INDEX users_updated_at ON users (updated_at);
CREATE TABLE processed (
  id TEXT PRIMARY KEY,
  at BIGINT NOT NULL
);
CREATE INDEX processed_at ON processed (at);
CREATE TABLE turns (
  id $ID,
  at BIGINT NOT NULL,
  week TEXT NOT NULL,
  channel TEXT NOT NULL,
  lang TEXT NOT NULL,
  country TEXT,
  kind TEXT NOT NULL,
  entry TEXT,
  topic TEXT
);
CREATE INDEX turns_at ON turns (at);
CREATE TABLE feedback (
  id $ID,
  at BIGINT NOT NULL,
  week TEXT NOT NULL,
  channel TEXT NOT NULL,
  lang TEXT NOT NULL,
  country TEXT,
  entry TEXT,
  topic TEXT,
  value TEXT NOT NULL
);
CREATE INDEX feedback_at ON feedback (at);
CREATE TABLE questions (
  id $ID,
  at BIGINT NOT NULL,
  user_key TEXT NOT NULL,
  channel TEXT NOT NULL,
  lang TEXT NOT NULL,
  country TEXT,
  reason TEXT NOT NULL,
  entry TEXT,
  text TEXT NOT NULL
);
CREATE INDEX questions_at ON questions (at);
CREATE INDEX questions_user_key ON questions (user_key);
CREATE TABLE tickets (
  id $ID,
  user_key TEXT NOT NULL,
  channel TEXT NOT NULL,
  address TEXT,
  lang TEXT NOT NULL,
  country TEXT,
  reason TEXT NOT NULL,
  recent TEXT NOT NULL,
  status TEXT NOT NULL,
  caseworker TEXT,
  opened_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  closed_at BIGINT
);
CREATE UNIQUE INDEX tickets_one_active_per_user ON tickets (user_key) WHERE status <> 'closed';
CREATE INDEX tickets_status ON tickets (status);
CREATE TABLE ticket_messages (
  id $ID,
  ticket_id BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
  at BIGINT NOT NULL,
  sender TEXT NOT NULL,
  author TEXT,
  text TEXT NOT NULL,
  delivered INTEGER NOT NULL
);
CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_id);
CREATE TABLE accounts (
  username TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  telegram_id TEXT UNIQUE,
  created_at BIGINT NOT NULL
);
CREATE TABLE audit (
  id $ID,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT,
  detail TEXT
);
CREATE INDEX audit_at ON audit (at);
`,
  },
  {
    version: 2,
    name: 'inbox',
    // A delivery's payload is held from the webhook's 200 until its reply is sent, so a crash loses
    // nothing; the lease says which instance is answering it (0: anyone may take it).
    sql: `
ALTER TABLE processed ADD COLUMN channel TEXT;
ALTER TABLE processed ADD COLUMN payload TEXT;
ALTER TABLE processed ADD COLUMN lease_until BIGINT;
CREATE INDEX processed_waiting ON processed (channel, at) WHERE payload IS NOT NULL;
`,
  },
];
