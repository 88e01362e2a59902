import { openPostgres } from '../../src/store/postgres.js';
import { SqlStore } from '../../src/store/sql-store.js';
import { createTestSchema } from '../helpers/postgres.js';
import { storeContract } from './contract.js';

storeContract('PostgreSQL', async () => {
  const schema = await createTestSchema();
  return {
    open: () => SqlStore.open(openPostgres(schema.url)),
    drop: () => schema.drop(),
  };
});
