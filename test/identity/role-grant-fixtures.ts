import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { openSqlite } from '../../src/core/db/sqlite-adapter.ts';
import { newId } from '../../src/core/ids.ts';
import { hashPassword } from '../../src/identity/passwords.ts';
import { type IdentityTables, ROOT } from '../../src/identity/tables.ts';
import { startCloud, type TestCloud } from '../helpers/cloud.ts';

/**
 * A test cloud plus a direct handle on its database, so the role and grant tests can lay down users, groups,
 * projects and domains without depending on those APIs (their own tests cover them). With
 * STRATA_TEST_DATABASE_URL the cloud runs on a fresh PostgreSQL database this helper creates and drops.
 */
export interface SeededCloud {
  cloud: TestCloud;
  token: string;
  db: Kysely<IdentityTables>;
  domain(name?: string): Promise<string>;
  project(opts: { domainId?: string; parentId?: string; name?: string }): Promise<string>;
  user(opts: { domainId?: string; name?: string; password?: string }): Promise<string>;
  group(opts: { domainId?: string; name?: string }): Promise<string>;
  addToGroup(groupId: string, userId: string): Promise<void>;
  roleId(name: string): Promise<string>;
}

const rand = (p: string) => `${p}-${randomBytes(4).toString('hex')}`;

export async function startSeededCloud(t: TestContext): Promise<SeededCloud> {
  const root = process.env.STRATA_TEST_DATABASE_URL;
  let pgUrl: string | undefined;
  let dbName = '';
  if (root) {
    dbName = `strata_rolefx_${randomBytes(6).toString('hex')}`;
    const c = new pg.Client({ connectionString: root });
    await c.connect();
    await c.query(`CREATE DATABASE ${dbName}`);
    await c.end();
    const u = new URL(root);
    u.pathname = `/${dbName}`;
    pgUrl = u.toString();
  }
  const cloud = await startCloud(undefined, pgUrl ? { database: { url: pgUrl, poolSize: 5 } } : {});
  const db = new Kysely<IdentityTables>({
    dialect: pgUrl
      ? new PostgresDialect({ pool: new pg.Pool({ connectionString: pgUrl, max: 2 }) })
      : new SqliteDialect({ database: openSqlite(join(cloud.dataDir, 'strata.db')) }),
  });
  t.after(async () => {
    await cloud.close();
    await db.destroy();
    if (root) {
      const c = new pg.Client({ connectionString: root });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.end();
    }
  });

  const project = async (o: { domainId?: string; parentId?: string; name?: string; isDomain?: boolean }) => {
    const id = newId();
    await db
      .insertInto('projects')
      .values({
        id,
        name: o.name ?? rand(o.isDomain ? 'domain' : 'project'),
        domain_id: o.isDomain ? ROOT : (o.domainId ?? 'default'),
        parent_id: o.isDomain ? null : (o.parentId ?? o.domainId ?? 'default'),
        is_domain: o.isDomain ? 1 : 0,
        enabled: 1,
        description: null,
        extra: '{}',
        options: '{}',
      })
      .execute();
    return id;
  };
  return {
    cloud,
    token: cloud.adminToken,
    db,
    domain: (name) => project({ name, isDomain: true }),
    project,
    async user(o) {
      const id = newId();
      await db
        .insertInto('users')
        .values({
          id,
          domain_id: o.domainId ?? 'default',
          name: o.name ?? rand('user'),
          enabled: 1,
          password_hash: o.password ? await hashPassword(o.password, { N: 1024, r: 8, p: 1 }) : null,
          password_created_at: null,
          password_expires_at: null,
          default_project_id: null,
          description: null,
          email: null,
          extra: '{}',
          options: '{}',
          created_at: new Date().toISOString(),
        })
        .execute();
      return id;
    },
    async group(o) {
      const id = newId();
      await db
        .insertInto('groups')
        .values({
          id,
          domain_id: o.domainId ?? 'default',
          name: o.name ?? rand('group'),
          description: null,
          extra: '{}',
        })
        .execute();
      return id;
    },
    async addToGroup(groupId, userId) {
      await db.insertInto('user_groups').values({ group_id: groupId, user_id: userId }).execute();
    },
    async roleId(name) {
      const row = await db
        .selectFrom('roles')
        .select('id')
        .where('name', '=', name)
        .where('domain_id', '=', ROOT)
        .executeTakeFirstOrThrow();
      return row.id;
    },
  };
}
