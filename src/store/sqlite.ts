/**
 * SQLite through better-sqlite3: a file under the data directory, nothing to set up. Calls are
 * synchronous and fast; the async surface only matches the PostgreSQL driver.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { statements, type Migration, type SqlDriver, type SqlValue } from './driver.js';

const ID_COLUMN = 'INTEGER PRIMARY KEY AUTOINCREMENT';

export function openSqlite(file: string): SqlDriver {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // In WAL mode NORMAL syncs at checkpoints, not at every commit: a crash of the process loses
  // nothing, a power cut may lose the last commits. FULL made each write wait for the disk.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  const prepared = new Map<string, Database.Statement>();
  const statement = (sql: string) => {
    let stmt = prepared.get(sql);
    if (!stmt) prepared.set(sql, (stmt = db.prepare(sql)));
    return stmt;
  };
  const bind = (params: readonly SqlValue[]) => params.map((p) => p ?? null);

  return {
    kind: 'sqlite',
    async all<T>(sql: string, params: readonly SqlValue[] = []) {
      return statement(sql).all(...bind(params)) as T[];
    },
    async run(sql: string, params: readonly SqlValue[] = []) {
      return statement(sql).run(...bind(params)).changes;
    },
    async migrate(migrations: readonly Migration[]) {
      db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
      // IMMEDIATE takes the write lock first, so two processes on one file migrate one after the other.
      const apply = db.transaction((pending: readonly Migration[]) => {
        const done = new Set(db.prepare('SELECT version FROM schema_migrations').all().map((r) => (r as { version: number }).version));
        for (const m of pending) {
          if (done.has(m.version)) continue;
          for (const s of statements(m.sql, ID_COLUMN)) db.exec(s);
          db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
        }
      });
      apply.immediate(migrations);
    },
    async close() {
      db.close();
    },
  };
}
