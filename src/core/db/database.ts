import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Config } from '../config.ts';
import { openSqlite } from './sqlite-adapter.ts';

export type DbKind = 'sqlite' | 'postgres';

export interface Database {
  // biome-ignore lint/suspicious/noExplicitAny: each service narrows this to its own tables with `as Kysely<T>`.
  readonly db: Kysely<any>;
  readonly kind: DbKind;
  /** Where the data is, for the start-up banner; never includes a password. */
  readonly describe: string;
  close(): Promise<void>;
}

export async function openDatabase(cfg: Config): Promise<Database> {
  if (cfg.database.url) {
    // Loaded only when asked for: the embedded default should not carry PostgreSQL's client (about 12 MB).
    const { default: pg } = await import('pg');
    // Keep COUNT(*) and BIGINT columns as JS numbers: our counts and limits are far below 2^53.
    pg.types.setTypeParser(20, (v) => Number(v));
    const pool = new pg.Pool({ connectionString: cfg.database.url, max: cfg.database.poolSize });
    // An idle connection the server ends (restart, failover, pg_terminate_backend) is dropped from the pool and
    // the next query opens a new one; without a listener pg would throw it as an uncaught error and end the process.
    pool.on('error', () => {});
    const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
    const url = new URL(cfg.database.url);
    url.password = '';
    return { db, kind: 'postgres', describe: `PostgreSQL ${url.host}${url.pathname}`, close: () => db.destroy() };
  }
  mkdirSync(cfg.dataDir, { recursive: true });
  const file = join(cfg.dataDir, 'strata.db');
  const db = new Kysely({ dialect: new SqliteDialect({ database: openSqlite(file) }) });
  return { db, kind: 'sqlite', describe: `SQLite ${file}`, close: () => db.destroy() };
}

/** True when the error is a unique or primary-key violation, on either database. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; errcode?: number; message?: string };
  return (
    e?.code === '23505' ||
    e?.errcode === 2067 ||
    e?.errcode === 1555 ||
    /UNIQUE constraint failed/.test(e?.message ?? '')
  );
}
