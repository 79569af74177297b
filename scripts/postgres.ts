import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * A PostgreSQL URL for the tests on this machine: when run as root with Debian's postgresql installed,
 * starts the default cluster and makes sure a `strata` role that may create databases exists.
 * Returns undefined when that is not possible (the caller skips the PostgreSQL stage and says so).
 */
export function localPostgres(): string | undefined {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/pg_lsclusters')) return undefined;
  const clusters = spawnSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')
    .filter(Boolean);
  if (clusters.length === 0) return undefined;
  const [version, name, port, status] = clusters[0].split(/\s+/);
  if (status !== 'online') {
    const started = spawnSync('pg_ctlcluster', [version, name, 'start'], { stdio: 'inherit' });
    if (started.status !== 0) return undefined;
  }
  const sql =
    "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'strata') THEN CREATE ROLE strata LOGIN CREATEDB PASSWORD 'strata'; END IF; END $$;";
  const made = spawnSync('runuser', ['-u', 'postgres', '--', 'psql', '-p', port, '-qAtc', sql], { stdio: 'inherit' });
  if (made.status !== 0) return undefined;
  return `postgres://strata:strata@127.0.0.1:${port}/postgres`;
}
