import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * A new, empty database on the server STRATA_TEST_DATABASE_URL names (undefined without it), named `<prefix>_<random>`,
 * with a `drop` for the end of the test.
 */
export async function freshPostgres(
  prefix = 'strata_test',
): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const root = process.env.STRATA_TEST_DATABASE_URL;
  if (!root) return undefined;
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: root });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(root);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: root });
      await c.connect();
      // pg's pool.end() resolves before its backends have gone; forcing the drop then would have the server
      // terminate them, and the client sockets would report that as an uncaught error. Wait for them instead.
      for (let attempt = 0; ; attempt++) {
        try {
          await c.query(`DROP DATABASE IF EXISTS ${name}${attempt >= 50 ? ' WITH (FORCE)' : ''}`);
          break;
        } catch (err) {
          if ((err as { code?: string }).code !== '55006' || attempt >= 50) throw err;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      await c.end();
    },
  };
}
