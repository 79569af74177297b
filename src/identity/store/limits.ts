import { Forbidden, NotFound } from '../../core/errors.ts';
import type { IdentityDb, LimitRow, ProjectRow } from '../tables.ts';
import { findDomain } from './domains.ts';
import {
  asDuplicate,
  checkServiceAndRegion,
  duplicateLimit,
  findRegisteredLimit,
  keyOf,
  missingIn,
} from './registered-limits.ts';

export interface LimitFilter {
  service_id?: string;
  region_id?: string;
  resource_name?: string;
  project_id?: string;
  domain_id?: string;
}

export async function findLimit(db: IdentityDb, id: string): Promise<LimitRow | undefined> {
  return db.selectFrom('limits').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getLimit(db: IdentityDb, id: string): Promise<LimitRow> {
  const row = await findLimit(db, id);
  if (!row) throw new NotFound(`Could not find limit for ${id}.`);
  return row;
}

export async function listLimits(db: IdentityDb, filter: LimitFilter): Promise<LimitRow[]> {
  let q = db.selectFrom('limits').selectAll().orderBy('id');
  for (const key of ['service_id', 'region_id', 'resource_name', 'project_id', 'domain_id'] as const) {
    const v = filter[key];
    if (v !== undefined) q = q.where(key, '=', v);
  }
  return q.execute();
}

/** Ids of the projects (not domains) in a domain: what a domain-scoped caller may see the limits of. */
export async function projectIdsInDomain(db: IdentityDb, domainId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('projects')
    .select('id')
    .where('domain_id', '=', domainId)
    .where('is_domain', '=', 0)
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** The project or domain a limit belongs to, for the get_limit policy target (Keystone's shape). */
export async function limitOwner(
  db: IdentityDb,
  limit: LimitRow,
): Promise<{ project?: ProjectRow; domain?: ProjectRow }> {
  const id = limit.project_id ?? limit.domain_id;
  if (!id) return {};
  const row = await db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return {};
  return limit.project_id ? { project: row } : { domain: row };
}

/**
 * Every limit overrides a registered limit with the same service, region and resource (403 without one, as
 * Keystone), for one project or one domain. A project id that names a domain makes a domain limit, as Keystone
 * treats domains as projects. All or nothing, duplicates within the request included.
 */
export async function createLimits(db: IdentityDb, rows: LimitRow[]): Promise<LimitRow[]> {
  return db.transaction().execute(async (trx) => {
    const created: LimitRow[] = [];
    for (const input of rows) {
      const row = { ...input };
      await checkServiceAndRegion(trx, row, 'limit');
      if (row.project_id !== null) {
        const p = await trx
          .selectFrom('projects')
          .select('is_domain')
          .where('id', '=', row.project_id)
          .executeTakeFirst();
        if (!p) throw missingIn('project_id', 'limit');
        if (p.is_domain === 1) [row.domain_id, row.project_id] = [row.project_id, null];
      } else if (row.domain_id !== null) {
        if (!(await findDomain(trx, row.domain_id))) throw missingIn('domain_id', 'limit');
      }
      if (!(await findRegisteredLimit(trx, row)))
        throw new Forbidden('Unable to create a limit that has no corresponding registered limit.');
      let dup = trx
        .selectFrom('limits')
        .select('id')
        .where((eb) => eb.and(keyOf(row)));
      dup =
        row.project_id !== null
          ? dup.where('project_id', '=', row.project_id)
          : dup.where('domain_id', '=', row.domain_id as string);
      if (await dup.executeTakeFirst()) throw duplicateLimit('limit');
      await trx.insertInto('limits').values(row).execute().catch(asDuplicate('limit'));
      created.push(row);
    }
    return created;
  });
}

export async function updateLimit(
  db: IdentityDb,
  id: string,
  patch: Partial<Pick<LimitRow, 'resource_limit' | 'description'>>,
): Promise<LimitRow> {
  return db.transaction().execute(async (trx) => {
    const next = { ...(await getLimit(trx, id)), ...patch, id };
    await trx.updateTable('limits').set(next).where('id', '=', id).execute();
    return next;
  });
}

export async function deleteLimit(db: IdentityDb, id: string): Promise<void> {
  const res = await db.deleteFrom('limits').where('id', '=', id).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw new NotFound(`Could not find limit for ${id}.`);
}

/** Keystone removes a project's (or a domain's) limits when it is deleted; the projects store calls this. */
export async function deleteLimitsForProject(db: IdentityDb, projectOrDomainId: string): Promise<void> {
  await db
    .deleteFrom('limits')
    .where((eb) => eb.or([eb('project_id', '=', projectOrDomainId), eb('domain_id', '=', projectOrDomainId)]))
    .execute();
}
