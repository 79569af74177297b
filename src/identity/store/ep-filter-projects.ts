import { NotFound } from '../../core/errors.ts';
import { parseObject, toBool } from '../rows.ts';
import { type IdentityDb, type ProjectRow, ROOT } from '../tables.ts';

/** A project as OS-EP-FILTER lists it: Keystone's usual project shape, tags included. */
export interface FilterProject {
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

/** Keystone's get_project, which finds domains too (they are projects with is_domain). */
export async function requireProject(db: IdentityDb, id: string): Promise<ProjectRow> {
  const row = await db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound(`Could not find project: ${id}.`);
  return row;
}

export async function projectsByIds(db: IdentityDb, ids: readonly string[]): Promise<FilterProject[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('projects').selectAll().where('id', 'in', ids).orderBy('id').execute();
  const tags = await db.selectFrom('project_tags').selectAll().where('project_id', 'in', ids).execute();
  return rows.map((p) => ({
    ...parseObject(p.extra),
    id: p.id,
    name: p.name,
    domain_id: p.domain_id === ROOT ? null : p.domain_id,
    description: p.description ?? '',
    enabled: toBool(p.enabled),
    parent_id: p.parent_id,
    is_domain: toBool(p.is_domain),
    tags: tags.filter((t) => t.project_id === p.id).map((t) => t.name),
    options: parseObject(p.options),
  }));
}
