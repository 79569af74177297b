import { NotFound } from '../core/errors.ts';
import { SYSTEM_TARGET } from './store/assignments.ts';
import {
  allImpliedRules,
  DOMAIN_TYPES,
  findProjectNode,
  groupIdsOfUser,
  membersOfGroups,
  namedRows,
  PROJECT_TYPES,
  type ProjectNode,
  projectsOfDomains,
  queryAssignments,
  rolesByIds,
  SYSTEM_TYPES,
} from './store/role-assignment-queries.ts';
import type { AssignmentRow, AssignmentType, IdentityDb } from './tables.ts';
import { ROOT } from './tables.ts';

/**
 * One role assignment before it is put on the wire, in Keystone's internal shape: the actor, the target, the
 * role, and under `indirect` where an expanded assignment came from (the group, the inheriting project or
 * domain, the prior role).
 */
export interface AssignmentRef {
  role_id: string;
  user_id?: string;
  group_id?: string;
  project_id?: string;
  domain_id?: string;
  system?: true;
  inherited?: true;
  indirect?: { group_id?: string; project_id?: string; domain_id?: string; role_id?: string };
}

export interface AssignmentFilter {
  roleId?: string;
  userId?: string;
  groupId?: string;
  /** `scope.system=all`. */
  system: boolean;
  domainId?: string;
  projectId?: string;
  includeSubtree: boolean;
  /** `scope.OS-INHERIT:inherited_to`: true = only inherited, false = only direct, null = both. */
  inherited: boolean | null;
  effective: boolean;
}

export function listAssignments(db: IdentityDb, f: AssignmentFilter): Promise<AssignmentRef[]> {
  return f.effective ? listEffective(db, f) : listDirect(db, f);
}

const ACTOR_TYPES = { user: ['UserProject', 'UserDomain'], group: ['GroupProject', 'GroupDomain'] } as const;

/** The grants as stored, filtered; inherited grants stay on their own target, groups stay groups. */
async function listDirect(db: IdentityDb, f: AssignmentFilter): Promise<AssignmentRef[]> {
  const actor = f.userId ?? f.groupId;
  const actorTypes: readonly AssignmentType[] | undefined = f.userId
    ? ACTOR_TYPES.user
    : f.groupId
      ? ACTOR_TYPES.group
      : undefined;
  const out: AssignmentRef[] = [];
  if (!f.system) {
    let targetIds: string[] | undefined;
    let types = [...PROJECT_TYPES, ...DOMAIN_TYPES];
    if (f.projectId) {
      targetIds = [f.projectId];
      if (f.includeSubtree) targetIds.push(...(await subtreeOf(db, f.projectId)));
      types = PROJECT_TYPES;
    } else if (f.domainId) {
      targetIds = [f.domainId];
      types = DOMAIN_TYPES;
    }
    const rows = await queryAssignments(db, {
      types: types.filter((t) => !actorTypes || actorTypes.includes(t)),
      actorIds: actor !== undefined ? [actor] : undefined,
      targetIds,
      roleId: f.roleId,
      inherited: f.inherited ?? undefined,
    });
    out.push(...rows.map(refOfRow));
  }
  // Keystone adds system grants unless another scope was asked for; they are never inherited.
  if ((f.system || (!f.projectId && !f.domainId)) && f.inherited !== true) {
    const rows = await queryAssignments(db, {
      types: SYSTEM_TYPES.filter((t) => (f.userId ? t === 'UserSystem' : f.groupId ? t === 'GroupSystem' : true)),
      actorIds: actor !== undefined ? [actor] : undefined,
      targetIds: [SYSTEM_TARGET],
      roleId: f.roleId,
    });
    out.push(...rows.map(refOfRow));
  }
  return out;
}

/**
 * What actually reaches users, as Keystone's effective mode computes it: group grants become one assignment
 * per member, inherited grants one per project below their target, then every implied role is added and
 * domain-specific roles (which only ever imply) are dropped. The role filter applies last, so a role held
 * only by implication is found too. System grants appear only when `scope.system` asks for them.
 */
async function listEffective(db: IdentityDb, f: AssignmentFilter): Promise<AssignmentRef[]> {
  const actorIds = f.userId ? [f.userId, ...(await groupIdsOfUser(db, f.userId))] : undefined;
  const inherited = f.domainId ? false : f.inherited;
  const rows: AssignmentRow[] = [];
  let reach: (row: AssignmentRow) => string[] = () => [];

  if (f.system) {
    rows.push(...(await queryAssignments(db, { types: SYSTEM_TYPES, actorIds, targetIds: [SYSTEM_TARGET] })));
  } else if (f.projectId) {
    const project = await findProjectNode(db, f.projectId);
    if (!project) throw new NotFound(`Could not find project: ${f.projectId}.`);
    const tree = projectTree(await projectsOfDomains(db, [project.domain_id]));
    const interest = [project.id, ...(f.includeSubtree ? descendants(tree, project.id) : [])];
    const inInterest = new Set(interest);
    if (inherited !== true)
      rows.push(
        ...(await queryAssignments(db, { types: PROJECT_TYPES, actorIds, targetIds: interest, inherited: false })),
      );
    if (inherited !== false) {
      const sources = [...ancestors(tree, project.id), ...(f.includeSubtree ? interest : [])];
      rows.push(
        ...(await queryAssignments(db, {
          types: DOMAIN_TYPES,
          actorIds,
          targetIds: [project.domain_id],
          inherited: true,
        })),
        ...(await queryAssignments(db, { types: PROJECT_TYPES, actorIds, targetIds: sources, inherited: true })),
      );
    }
    // An inherited grant made inside the subtree reaches only the part below it.
    reach = (row) =>
      f.includeSubtree && row.type.endsWith('Project') && inInterest.has(row.target_id)
        ? descendants(tree, row.target_id)
        : interest;
  } else if (f.domainId) {
    rows.push(
      ...(await queryAssignments(db, { types: DOMAIN_TYPES, actorIds, targetIds: [f.domainId], inherited: false })),
    );
  } else {
    rows.push(
      ...(await queryAssignments(db, {
        types: [...PROJECT_TYPES, ...DOMAIN_TYPES],
        actorIds,
        inherited: inherited ?? undefined,
      })),
    );
    const inheritedRows = rows.filter((r) => r.inherited);
    if (inheritedRows.length) {
      const isDomainRow = (r: AssignmentRow) => r.type.endsWith('Domain');
      const tree = projectTree(
        await projectsOfDomains(
          db,
          inheritedRows.filter(isDomainRow).map((r) => r.target_id),
          inheritedRows.filter((r) => !isDomainRow(r)).map((r) => r.target_id),
        ),
      );
      reach = (row) => (isDomainRow(row) ? (tree.byDomain.get(row.target_id) ?? []) : descendants(tree, row.target_id));
    }
  }

  const groupIds = f.userId ? [] : rows.filter((r) => r.type.startsWith('Group')).map((r) => r.actor_id);
  const members = await membersOfGroups(db, groupIds);
  const usersOf = (groupId: string) => (f.userId ? [f.userId] : (members.get(groupId) ?? []));

  const refs: AssignmentRef[] = [];
  for (const row of rows) {
    const base = refOfRow(row);
    const perUser: AssignmentRef[] = row.type.startsWith('Group')
      ? usersOf(row.actor_id).map((userId) => {
          const { group_id, ...rest } = base;
          return { ...rest, user_id: userId, indirect: { group_id } };
        })
      : [base];
    if (!row.inherited) {
      refs.push(...perUser);
      continue;
    }
    const source = row.type.endsWith('Domain') ? { domain_id: row.target_id } : { project_id: row.target_id };
    for (const projectId of reach(row))
      for (const r of perUser)
        refs.push({
          role_id: r.role_id,
          user_id: r.user_id,
          project_id: projectId,
          indirect: { ...r.indirect, ...source },
        });
  }

  const withImplied = addImpliedRoles(refs, await allImpliedRules(db));
  const roles = await rolesByIds(
    db,
    withImplied.map((r) => r.role_id),
  );
  return withImplied.filter(
    (r) => roles.get(r.role_id)?.domain_id === ROOT && (f.roleId === undefined || r.role_id === f.roleId),
  );
}

/**
 * What a domain-scoped reader may see: assignments on that domain and on its projects (Keystone filters the
 * finished list the same way; system assignments drop out).
 */
export async function restrictToDomain(
  db: IdentityDb,
  refs: readonly AssignmentRef[],
  domainId: string,
): Promise<AssignmentRef[]> {
  const projects = await namedRows(
    db,
    'projects',
    refs.flatMap((r) => (r.project_id === undefined ? [] : [r.project_id])),
  );
  return refs.filter(
    (r) =>
      r.domain_id === domainId || (r.project_id !== undefined && projects.get(r.project_id)?.domain_id === domainId),
  );
}

function refOfRow(row: AssignmentRow): AssignmentRef {
  const ref: AssignmentRef = { role_id: row.role_id };
  if (row.type.startsWith('User')) ref.user_id = row.actor_id;
  else ref.group_id = row.actor_id;
  if (row.type.endsWith('Project')) ref.project_id = row.target_id;
  else if (row.type.endsWith('Domain')) ref.domain_id = row.target_id;
  else ref.system = true;
  if (row.inherited) ref.inherited = true;
  return ref;
}

/**
 * Each assignment, then a copy for every role its role implies, transitively, each copy naming the role it
 * was implied by. A role already on the path is skipped, so stored cycles cannot loop.
 */
export function addImpliedRoles(
  refs: readonly AssignmentRef[],
  rules: readonly { prior_role_id: string; implied_role_id: string }[],
): AssignmentRef[] {
  const implies = new Map<string, string[]>();
  for (const r of rules) implies.set(r.prior_role_id, [...(implies.get(r.prior_role_id) ?? []), r.implied_role_id]);
  const out = [...refs];
  for (const ref of refs) {
    const stack: { ref: AssignmentRef; path: Set<string> }[] = [{ ref, path: new Set([ref.role_id]) }];
    while (stack.length) {
      const cur = stack.pop()!;
      for (const implied of implies.get(cur.ref.role_id) ?? []) {
        if (cur.path.has(implied)) continue;
        const next = { ...cur.ref, role_id: implied, indirect: { ...cur.ref.indirect, role_id: cur.ref.role_id } };
        out.push(next);
        stack.push({ ref: next, path: new Set([...cur.path, implied]) });
      }
    }
  }
  return out;
}

interface ProjectTree {
  byId: Map<string, ProjectNode>;
  children: Map<string, string[]>;
  byDomain: Map<string, string[]>;
}

function projectTree(nodes: readonly ProjectNode[]): ProjectTree {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const children = new Map<string, string[]>();
  const byDomain = new Map<string, string[]>();
  const add = (m: Map<string, string[]>, k: string, v: string) => {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  };
  for (const n of nodes) {
    if (n.parent_id) add(children, n.parent_id, n.id);
    add(byDomain, n.domain_id, n.id);
  }
  return { byId, children, byDomain };
}

/** Every project below `id`, not `id` itself. */
function descendants(tree: ProjectTree, id: string): string[] {
  const seen = new Set<string>([id]);
  const out: string[] = [];
  for (let i = -1; i < out.length; i++) {
    for (const kid of tree.children.get(i < 0 ? id : out[i]) ?? [])
      if (!seen.has(kid)) {
        seen.add(kid);
        out.push(kid);
      }
  }
  return out;
}

/** The projects above `id`, nearest first; the domain is not a project and ends the walk. */
function ancestors(tree: ProjectTree, id: string): string[] {
  const out: string[] = [];
  for (let cur = tree.byId.get(id)?.parent_id; cur && tree.byId.has(cur) && !out.includes(cur); ) {
    out.push(cur);
    cur = tree.byId.get(cur)?.parent_id;
  }
  return out;
}

async function subtreeOf(db: IdentityDb, projectId: string): Promise<string[]> {
  const project = await findProjectNode(db, projectId);
  if (!project) throw new NotFound(`Could not find project: ${projectId}.`);
  return descendants(projectTree(await projectsOfDomains(db, [project.domain_id])), projectId);
}
