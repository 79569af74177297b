import { Forbidden } from '../../core/errors.ts';
import type { IdentityDb, ProjectRow } from '../tables.ts';

/**
 * Keystone's `[DEFAULT] max_project_tree_depth`: projects may nest this many levels below their domain. Keystone
 * adds one for the domain itself, which is a project in the same table.
 */
export const MAX_PROJECT_TREE_DEPTH = 5;

/** A project's ancestors, nearest first, up to and including its domain (Keystone's list_project_parents). */
export async function parentsOf(db: IdentityDb, project: ProjectRow): Promise<ProjectRow[]> {
  const out: ProjectRow[] = [];
  const seen = new Set([project.id]);
  for (let id = project.parent_id; id && !seen.has(id); ) {
    seen.add(id);
    const row = await db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) break;
    out.push(row);
    id = row.parent_id;
  }
  return out;
}

/** Every project below this one, level by level (Keystone's list_projects_in_subtree). */
export async function subtreeOf(db: IdentityDb, projectId: string): Promise<ProjectRow[]> {
  const out: ProjectRow[] = [];
  const seen = new Set([projectId]);
  for (let level = [projectId]; level.length > 0; ) {
    const kids = (await db.selectFrom('projects').selectAll().where('parent_id', 'in', level).execute()).filter(
      (k) => !seen.has(k.id),
    );
    for (const k of kids) seen.add(k.id);
    out.push(...kids);
    level = kids.map((k) => k.id);
  }
  return out;
}

export async function hasChildren(db: IdentityDb, projectId: string): Promise<boolean> {
  const kid = await db.selectFrom('projects').select('id').where('parent_id', '=', projectId).executeTakeFirst();
  return kid !== undefined;
}

/** `ancestors` are the new project's parent and the parent's own ancestors. Keystone answers 403 here. */
export function assertDepth(parentId: string, ancestors: readonly ProjectRow[]): void {
  if (ancestors.length + 1 > MAX_PROJECT_TREE_DEPTH + 1)
    throw new Forbidden(`Max hierarchy depth reached for ${parentId} branch.`);
}

export type IdTree = { [id: string]: IdTree | null } | null;

/** `parents_as_ids`: {parent: {grandparent: {domain: null}}}; null for a project with no parent. */
export function parentsAsIds(parents: readonly ProjectRow[]): IdTree {
  let tree: IdTree = null;
  for (const p of parents.toReversed()) tree = { [p.id]: tree };
  return tree;
}

/** `subtree_as_ids`: {child: {grandchild: null}, leaf: null}; null for a leaf. */
export function subtreeAsIds(rootId: string, subtree: readonly ProjectRow[]): IdTree {
  const byParent = new Map<string, ProjectRow[]>();
  for (const p of subtree) {
    if (!p.parent_id) continue;
    const list = byParent.get(p.parent_id) ?? [];
    list.push(p);
    byParent.set(p.parent_id, list);
  }
  const build = (id: string, seen: Set<string>): IdTree => {
    const kids = (byParent.get(id) ?? []).filter((k) => !seen.has(k.id));
    if (kids.length === 0) return null;
    const out: { [id: string]: IdTree } = {};
    for (const k of kids) out[k.id] = build(k.id, new Set([...seen, k.id]));
    return out;
  };
  return build(rootId, new Set([rootId]));
}
