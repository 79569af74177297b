import { type Kysely, type Migration, type MigrationResultSet, Migrator } from 'kysely';

/**
 * Runs one service's migrations. Each service keeps its own history table (`<service>_migrations`), so
 * services can be added, split onto other nodes or rolled back without touching each other.
 */
export async function migrateService(
  // biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and take the untyped database.
  db: Kysely<any>,
  service: string,
  migrations: Record<string, Migration>,
): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: `${service}_migrations`,
    migrationLockTableName: `${service}_migrations_lock`,
  });
  const result = await migrator.migrateToLatest();
  if (result.error)
    throw new Error(`${service} migrations failed: ${(result.error as Error).message}`, { cause: result.error });
  return result;
}
