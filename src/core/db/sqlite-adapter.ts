import { DatabaseSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Presents `node:sqlite` as the better-sqlite3-shaped object Kysely's SqliteDialect expects, so the embedded
 * default needs no native addon. WAL lets readers proceed during a write; busy_timeout covers the rare second
 * process (a `strata db migrate` beside a running server).
 */
export function openSqlite(path: string): SqliteDatabase {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA busy_timeout = 5000');
  // Keystone's schema leans on ON DELETE CASCADE; SQLite ignores it unless asked (orphan rows otherwise).
  db.exec('PRAGMA foreign_keys = ON');
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql);
      if (stmt) return stmt;
      const inner = db.prepare(sql);
      inner.setReadBigInts(false);
      stmt = {
        reader: inner.columns().length > 0,
        all: (params: ReadonlyArray<unknown>) => inner.all(...(params as never[])) as unknown[],
        run: (params: ReadonlyArray<unknown>) => {
          const r = inner.run(...(params as never[]));
          return { changes: r.changes, lastInsertRowid: r.lastInsertRowid };
        },
        iterate: (params: ReadonlyArray<unknown>) => inner.iterate(...(params as never[])) as IterableIterator<unknown>,
      };
      if (cache.size > 500) cache.clear();
      cache.set(sql, stmt);
      return stmt;
    },
  };
}
