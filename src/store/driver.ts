/**
 * The little the store needs from a database: queries with `?` placeholders, a row count for
 * writes, and migrations run once even when several instances start together.
 */
export type SqlValue = string | number | null | undefined;

export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Statements separated by `;` at line ends; `$ID` is the dialect's auto-increment key column. */
  readonly sql: string;
}

export interface SqlDriver {
  readonly kind: 'sqlite' | 'postgres';
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs a write; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Applies the migrations not yet applied, each in a transaction, under a lock. */
  migrate(migrations: readonly Migration[]): Promise<void>;
  close(): Promise<void>;
}

/** Splits a migration into statements (our migrations hold no `;` inside literals). */
export function statements(sql: string, idColumn: string): string[] {
  return sql
    .replaceAll('$ID', idColumn)
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
