import type { NetworkDeps } from './deps.ts';
import type { NetworkDb } from './tables.ts';

const TABLES = new WeakMap<NetworkDeps, Promise<Set<string>>>();

/**
 * The tables that exist, read once per service instance. Resource families arrive in separate migrations, and
 * code that reaches across families (quota counts, tags, RBAC in-use checks) must not fail when one is absent.
 * Pass the transaction in use: on SQLite a query on `deps.db` would wait for the transaction's own connection.
 */
export function installedTables(db: NetworkDb, deps: NetworkDeps): Promise<Set<string>> {
  let tables = TABLES.get(deps);
  if (!tables) {
    tables = db.introspection.getTables().then((ts) => new Set(ts.map((t) => t.name)));
    TABLES.set(deps, tables);
    tables.catch(() => TABLES.delete(deps));
  }
  return tables;
}

export async function hasTable(db: NetworkDb, deps: NetworkDeps, table: string): Promise<boolean> {
  return (await installedTables(db, deps)).has(table);
}
