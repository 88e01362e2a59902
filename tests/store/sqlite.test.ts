import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqlStore } from '../../src/store/sql-store.js';
import { openSqlite } from '../../src/store/sqlite.js';
import { storeContract } from './contract.js';

storeContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jardam-store-'));
  return {
    open: () => SqlStore.open(openSqlite(join(dir, 'jardam.sqlite'))),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
