/** Opens the same database and user keys the server uses, for administrative commands. */
import { loadConfig, type Config } from '../config.js';
import { dataSecret } from '../server/secret.js';
import { openStore } from '../store/open.js';
import { Pseudonyms } from '../store/pseudonym.js';
import type { Store } from '../store/types.js';
import { loadConfigOrExplain } from './config.js';

export interface CliStore {
  readonly config: Config;
  readonly store: Store;
  readonly keys: Pseudonyms;
}

/** Runs `work` with the store open, and closes it whatever happens. Exit 2 on a configuration error. */
export async function withStore(work: (opened: CliStore) => Promise<number>): Promise<number> {
  const config = loadConfigOrExplain();
  if (!config) return 2;
  let store: Store;
  try {
    store = await openStore(config);
  } catch (err) {
    console.error(`jardam: the database cannot be opened (${config.databaseUrl ? 'DATABASE_URL' : `SQLite in ${config.dataDir}`}): ${(err as Error).message}`);
    return 1;
  }
  try {
    return await work({ config, store, keys: new Pseudonyms(dataSecret(config.userKeySecret, config.dataDir, 'userKey')) });
  } finally {
    await store.close();
  }
}

/**
 * Records an administrative action done outside the database (files written by `kb import`).
 * The action has happened already: a database that cannot be reached gets a warning, not a failure.
 */
export async function auditFromCli(action: string, target: string | undefined, detail: string): Promise<void> {
  try {
    const config = loadConfig();
    const store = await openStore(config);
    try {
      await store.audit({ at: Date.now(), actor: 'cli', action, detail, ...(target ? { target } : {}) });
    } finally {
      await store.close();
    }
  } catch (err) {
    console.error(`jardam: warning: the audit log was not written (${(err as Error).message.split('\n')[0]})`);
  }
}
