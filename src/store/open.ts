/** Picks the database: PostgreSQL when DATABASE_URL is set, otherwise a SQLite file in the data directory. */
import { join } from 'node:path';
import { openPostgres } from './postgres.js';
import { SqlStore } from './sql-store.js';
import { openSqlite } from './sqlite.js';
import type { Store } from './types.js';

export const SQLITE_FILE = 'jardam.sqlite';

export interface StoreConfig {
  readonly databaseUrl?: string;
  readonly dataDir: string;
}

export function openStore(config: StoreConfig): Promise<Store> {
  return SqlStore.open(config.databaseUrl ? openPostgres(config.databaseUrl) : openSqlite(join(config.dataDir, SQLITE_FILE)));
}
