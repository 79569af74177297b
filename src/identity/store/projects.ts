import { sql } from 'kysely';
import { isUniqueViolation } from '../../core/db/database.ts';
import { BadRequest, Conflict, Forbidden, NotFound } from '../../core/errors.ts';
import { fromBool, parseObject, toBool } from '../rows.ts';
import { type IdentityDb, type ProjectRow, ROOT } from '../tables.ts';
import { assertDepth, hasChildren, parentsOf, subtreeOf } from './project-tree.ts';

/** Keystone caps a project's tag list at 80 (schema `maxItems`). */
export const MAX_TAGS = 80;

/** A project as the projects API shows it (domains too, when listed with `is_domain`), without `links`. */
export interface Project {
  id: string;
  name: string;
  domain_id: string | null;
  description: string | null;
  enabled: boolean;
  parent_id: string | null;
  is_domain: boolean;
  tags: string[];
  options: Record<string, unknown>;
  [extra: string]: unknown;
}

export const projectOf = (r: ProjectRow, tags: readonly string[]): Project => ({
  ...parseObject(r.extra),
  id: r.id,
  name: r.name,
  // Keystone stores a domain's domain_id as the ROOT sentinel and shows it as null.
  domain_id: toBool(r.is_domain) ? null : r.domain_id,
  description: r.description,
  enabled: toBool(r.enabled),
  parent_id: r.parent_id,
  is_domain: toBool(r.is_domain),
  tags: [...tags],
  options: parseObject(r.options),
});

/** What policy rules read as `target.project`: the stored record, domain_id as Keystone shows it. */
export const projectTarget = (r: ProjectRow) => ({
  id: r.id,
  name: r.name,
  domain_id: toBool(r.is_domain) ? null : r.domain_id,
  parent_id: r.parent_id,
  is_domain: toBool(r.is_domain),
  enabled: toBool(r.enabled),
});

export const isImmutable = (r: ProjectRow): boolean => parseObject(r.options).immutable === true;

export async function findProject(db: IdentityDb, id: string): Promise<ProjectRow | undefined> {
  return db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Keystone's get_project, which finds domains too (they are projects with is_domain); OS-EP-FILTER relies on it. */
export async function getProject(db: IdentityDb, id: string): Promise<ProjectRow> {
  const row = await findProject(db, id);
  if (!row) throw new NotFound(`Could not find project: ${id}.`);
  return row;
}

/** Tags per project id, each list sorted. */
export async function tagsOf(db: IdentityDb, ids: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  // Past a few hundred ids one scan beats a huge IN list (SQLite caps bound parameters).
  let q = db.selectFrom('project_tags').select(['project_id', 'name']);
  if (ids.length <= 500) q = q.where('project_id', 'in', ids);
  for (const t of await q.execute()) out.get(t.project_id)?.push(t.name);
  // Sorted here, not in SQL: collations differ between databases and a project must read the same everywhere.
  for (const list of out.values()) list.sort();
  return out;
}

/** The views of these projects (domains too), ordered by id: what OS-EP-FILTER lists for an endpoint or group. */
export async function projectsByIds(db: IdentityDb, ids: readonly string[]): Promise<Project[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('projects').selectAll().where('id', 'in', ids).orderBy('id').execute();
  const tags = await tagsOf(db, ids);
  return rows.map((r) => projectOf(r, tags.get(r.id) ?? []));
}

export interface ProjectFilter {
  domain_id?: string;
  enabled?: boolean;
  name?: string;
  parent_id?: string;
  is_domain?: boolean;
  /** Keystone's inexact filters on the name: `name__icontains=web` and friends. */
  nameLike?: readonly { op: 'contains' | 'startswith' | 'endswith'; value: string; caseSensitive: boolean }[];
  /** Has all of these tags. */
  tags?: readonly string[];
  /** Has at least one of these. */
  tagsAny?: readonly string[];
  /** Does not have all of these. */
  notTags?: readonly string[];
  /** Has none of these. */
  notTagsAny?: readonly string[];
}

export async function listProjects(db: IdentityDb, f: ProjectFilter): Promise<ProjectRow[]> {
  let q = db.selectFrom('projects').selectAll().orderBy('name').orderBy('id');
  if (f.domain_id !== undefined) q = q.where('domain_id', '=', f.domain_id);
  if (f.enabled !== undefined) q = q.where('enabled', '=', fromBool(f.enabled));
  if (f.name !== undefined) q = q.where('name', '=', f.name);
  if (f.parent_id !== undefined) q = q.where('parent_id', '=', f.parent_id);
  if (f.is_domain !== undefined) q = q.where('is_domain', '=', fromBool(f.is_domain));
  const likes = f.nameLike ?? [];
  for (const like of likes.filter((l) => !l.caseSensitive)) {
    const v = like.value.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
    const pattern = like.op === 'contains' ? `%${v}%` : like.op === 'startswith' ? `${v}%` : `%${v}`;
    q = q.where(sql<boolean>`lower(name) like ${pattern} escape '\\'`);
  }
  const tagged = (names: readonly string[]) =>
    db
      .selectFrom('project_tags')
      .select('project_id')
      .where('name', 'in', [...names]);
  for (const t of f.tags ?? []) q = q.where('id', 'in', tagged([t]));
  if (f.tagsAny?.length) q = q.where('id', 'in', tagged(f.tagsAny));
  if (f.notTags?.length) {
    const all = tagged(f.notTags)
      .groupBy('project_id')
      .having((eb) => eb.fn.countAll(), '=', f.notTags.length);
    q = q.where('id', 'not in', all);
  }
  if (f.notTagsAny?.length) q = q.where('id', 'not in', tagged(f.notTagsAny));
  // Case-sensitive comparisons in code: SQLite's LIKE ignores case whatever we ask (Keystone does the same).
  const exact = likes.filter((l) => l.caseSensitive);
  const rows = await q.execute();
  return exact.length === 0 ? rows : rows.filter((r) => exact.every((l) => nameMatches(r.name, l)));
}

export interface ProjectSpec {
  id: string;
  name: string;
  is_domain: boolean;
  /** Regular projects: their domain; null to take the parent's domain. Ignored for domains. */
  domain_id: string | null;
  parent_id: string | null;
  description: string | null;
  enabled: boolean;
  tags: readonly string[];
  options: Record<string, unknown>;
  extra: Record<string, unknown>;
}

/**
 * Creates a project or, with is_domain, a domain (a root project). Keystone's checks: the domain exists, the
 * parent is in the same domain, the whole branch above is enabled (400 each), the tree is not too deep (403).
 * Uniqueness of (domain_id, name) is left to the unique index so concurrent creates cannot both win.
 */
export async function createProject(db: IdentityDb, spec: ProjectSpec): Promise<{ row: ProjectRow; tags: string[] }> {
  const name = spec.name.trim();
  const tags = normalizeTags(spec.tags).sort();
  return db.transaction().execute(async (trx) => {
    let domainId = ROOT;
    let parentId: string | null = null;
    if (spec.is_domain) {
      if (spec.parent_id || spec.domain_id) throw new BadRequest('only root projects are allowed to act as domains.');
    } else {
      const parent = spec.parent_id ? await findProject(trx, spec.parent_id) : undefined;
      if (spec.parent_id && !parent) throw new BadRequest(`Could not find project: ${spec.parent_id}.`);
      const wantedDomain = spec.domain_id ?? (parent && (toBool(parent.is_domain) ? parent.id : parent.domain_id));
      const domain = wantedDomain ? await findProject(trx, wantedDomain) : undefined;
      if (!domain || !toBool(domain.is_domain)) throw new BadRequest(`Could not find domain: ${wantedDomain}.`);
      const effectiveParent = parent ?? domain;
      const parentDomain = toBool(effectiveParent.is_domain) ? effectiveParent.id : effectiveParent.domain_id;
      if (parentDomain !== domain.id)
        throw new BadRequest(
          `Cannot create project, since it specifies its domain_id ${domain.id}, but specifies a parent in a different domain (${parentDomain}).`,
        );
      const ancestors = [effectiveParent, ...(await parentsOf(trx, effectiveParent))];
      const disabled = ancestors.find((a) => !toBool(a.enabled));
      if (disabled)
        throw new BadRequest(`cannot create a project in a branch containing a disabled project: ${disabled.id}`);
      assertDepth(effectiveParent.id, ancestors);
      domainId = domain.id;
      parentId = effectiveParent.id;
    }
    const row: ProjectRow = {
      id: spec.id,
      name,
      domain_id: domainId,
      parent_id: parentId,
      is_domain: fromBool(spec.is_domain),
      enabled: fromBool(spec.enabled),
      description: spec.description,
      extra: JSON.stringify(spec.extra),
      options: JSON.stringify(dropNulls(spec.options)),
    };
    try {
      await trx.insertInto('projects').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw nameConflict(row);
      throw err;
    }
    if (tags.length)
      await trx
        .insertInto('project_tags')
        .values(tags.map((t) => ({ project_id: row.id, name: t })))
        .execute();
    return { row, tags };
  });
}

export interface ProjectPatch {
  /** Every key the client sent, for Keystone's immutable rule (only `options` may then be sent). */
  sent: readonly string[];
  name?: string;
  description?: string | null;
  enabled?: boolean;
  tags?: readonly string[];
  options?: Record<string, unknown>;
  extra?: Record<string, unknown>;
  /** Accepted only when unchanged, as Keystone does. */
  domain_id?: string | null;
  parent_id?: string | null;
  is_domain?: boolean;
}

export interface ProjectUpdate {
  before: ProjectRow;
  row: ProjectRow;
  tags: string[];
}

export async function updateProject(db: IdentityDb, id: string, patch: ProjectPatch): Promise<ProjectUpdate> {
  return db.transaction().execute(async (trx) => {
    const before = await getProject(trx, id);
    const shown = projectTarget(before);
    if (patch.domain_id !== undefined && patch.domain_id !== shown.domain_id)
      throw new BadRequest('Cannot change Domain ID');
    assertMutable(before, patch);
    if (patch.parent_id !== undefined && patch.parent_id !== before.parent_id)
      throw new Forbidden('Update of `parent_id` is not allowed.');
    if (patch.is_domain !== undefined && patch.is_domain !== shown.is_domain)
      throw new BadRequest('Update of `is_domain` is not allowed.');

    const wasEnabled = toBool(before.enabled);
    if (!wasEnabled && patch.enabled === true) {
      const off = (await parentsOf(trx, before)).find((p) => !toBool(p.enabled));
      if (off) throw new Forbidden(`Cannot enable project ${id} since it has disabled parents`);
    }
    // A domain may be disabled whatever its projects are: disabling it disables them all in effect.
    if (wasEnabled && patch.enabled === false && !toBool(before.is_domain)) {
      if ((await subtreeOf(trx, id)).some((p) => toBool(p.enabled)))
        throw new Forbidden(`Cannot disable project ${id} since its subtree contains enabled projects.`);
    }

    const options = { ...parseObject(before.options), ...patch.options };
    const row: ProjectRow = {
      ...before,
      ...(patch.name !== undefined && { name: patch.name.trim() }),
      ...(patch.description !== undefined && { description: patch.description }),
      ...(patch.enabled !== undefined && { enabled: fromBool(patch.enabled) }),
      options: JSON.stringify(dropNulls(options)),
      extra: JSON.stringify({ ...parseObject(before.extra), ...patch.extra }),
    };
    try {
      await trx.updateTable('projects').set(row).where('id', '=', id).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw nameConflict(row);
      throw err;
    }
    if (patch.tags) await replaceTags(trx, id, normalizeTags(patch.tags));
    return { before, row, tags: (await tagsOf(trx, [id])).get(id) ?? [] };
  });
}

/**
 * Deletes a regular project and what hangs off it. Keystone refuses a project with children (403) and offers
 * no cascade on the API.
 */
export async function deleteProject(db: IdentityDb, id: string): Promise<ProjectRow> {
  return db.transaction().execute(async (trx) => {
    const row = await getProject(trx, id);
    if (isImmutable(row))
      throw new Forbidden(
        `Unable to delete immutable project resource: \`${id}. Set resource option "immutable" to false first.`,
      );
    if (await hasChildren(trx, id))
      throw new Forbidden(
        `Cannot delete the project ${id} since it is not a leaf in the hierarchy. Use the cascade option if you want to delete a whole subtree.`,
      );
    await removeProjects(trx, [id]);
    return row;
  });
}

/**
 * Removes projects (or domain rows) and what Keystone cleans up with them: tags, role assignments on them,
 * their EC2 credentials, trusts and limits, and users' default_project_id pointing at them.
 */
export async function removeProjects(trx: IdentityDb, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    await trx.deleteFrom('project_tags').where('project_id', 'in', chunk).execute();
    await trx.deleteFrom('assignments').where('target_id', 'in', chunk).execute();
    await trx.deleteFrom('credentials').where('project_id', 'in', chunk).execute();
    await trx
      .updateTable('trusts')
      .set({ deleted_at: new Date().toISOString() })
      .where('project_id', 'in', chunk)
      .where('deleted_at', 'is', null)
      .execute();
    await trx.deleteFrom('limits').where('project_id', 'in', chunk).execute();
    await trx.updateTable('users').set({ default_project_id: null }).where('default_project_id', 'in', chunk).execute();
    await trx.deleteFrom('projects').where('id', 'in', chunk).execute();
  }
}

export function assertMutable(row: ProjectRow, patch: Pick<ProjectPatch, 'sent' | 'options'>): void {
  if (!isImmutable(row)) return;
  // The one update an immutable project accepts: turning the option off, alone.
  const unsetting = patch.sent.length === 1 && patch.options !== undefined && patch.options.immutable !== undefined;
  if (unsetting && (patch.options?.immutable === false || patch.options?.immutable === null)) return;
  const type = toBool(row.is_domain) ? 'domain' : 'project';
  throw new Forbidden(
    `Unable to update immutable ${type} resource: \`${row.id}. Set resource option "immutable" to false first.`,
  );
}

export async function replaceTags(trx: IdentityDb, id: string, tags: readonly string[]): Promise<void> {
  await trx.deleteFrom('project_tags').where('project_id', '=', id).execute();
  if (tags.length)
    await trx
      .insertInto('project_tags')
      .values(tags.map((t) => ({ project_id: id, name: t })))
      .execute();
}

/** Keystone strips tags; stripping can make two equal, which the table's key would reject. */
export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim()))];
}

function nameMatches(name: string, like: NonNullable<ProjectFilter['nameLike']>[number]): boolean {
  if (like.op === 'contains') return name.includes(like.value);
  return like.op === 'startswith' ? name.startsWith(like.value) : name.endsWith(like.value);
}

function dropNulls(options: Record<string, unknown>): Record<string, unknown> {
  // A null option means "reset": Keystone removes it rather than storing null.
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== null && v !== undefined));
}

function nameConflict(row: ProjectRow): Conflict {
  const details = toBool(row.is_domain)
    ? `it is not permitted to have two projects acting as domains with the same name: ${row.name}`
    : `it is not permitted to have two projects with either the same name or same id in the same domain: name is ${row.name}, project id ${row.id}`;
  return new Conflict(`Conflict occurred attempting to store project - ${details}.`);
}
