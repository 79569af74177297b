import type { AssignmentRef } from './role-assignment-listing.ts';
import { type NamedRow, namedRows, rolesByIds } from './store/role-assignment-queries.ts';
import type { IdentityDb, RoleRow } from './tables.ts';
import { ROOT } from './tables.ts';

type Ref = { id: string; name?: string; domain?: { id: string; name: string } };

/** One entry of GET /v3/role_assignments, exactly as Keystone shapes it. */
export interface RoleAssignment {
  links: { assignment: string; membership?: string; prior_role?: string };
  scope: {
    project?: Ref;
    domain?: Ref;
    system?: { all: true };
    'OS-INHERIT:inherited_to'?: 'projects';
  };
  user?: Ref;
  group?: Ref;
  role: Ref;
}

/** What `include_names` adds, read in a few queries for the whole list. */
export interface AssignmentNames {
  users: Map<string, NamedRow>;
  groups: Map<string, NamedRow>;
  /** Projects and domains alike (domains are projects rows). */
  projects: Map<string, NamedRow>;
  roles: Map<string, RoleRow>;
}

export async function loadNames(db: IdentityDb, refs: readonly AssignmentRef[]): Promise<AssignmentNames> {
  const ids = (key: 'user_id' | 'group_id' | 'project_id' | 'domain_id' | 'role_id') =>
    refs.flatMap((r) => (r[key] === undefined ? [] : [r[key]]));
  const [users, groups, roles] = await Promise.all([
    namedRows(db, 'users', ids('user_id')),
    namedRows(db, 'groups', ids('group_id')),
    rolesByIds(db, ids('role_id')),
  ]);
  const projects = await namedRows(db, 'projects', [...ids('project_id'), ...ids('domain_id')]);
  // The domains the names above belong to, where not already read.
  const owners = [...users.values(), ...groups.values(), ...projects.values(), ...roles.values()]
    .map((r) => r.domain_id)
    .filter((id) => id !== ROOT && !projects.has(id));
  for (const [id, row] of await namedRows(db, 'projects', owners)) projects.set(id, row);
  return { users, groups, projects, roles };
}

/**
 * Keystone's rendering: the scope, the actor and the role, and `links.assignment` pointing at the grant the
 * assignment comes from (the group's, the inheriting target's, the prior role's). Missing users and groups get
 * empty names, as Keystone gives them.
 */
export function formatAssignment(
  ref: AssignmentRef,
  url: (path: string) => string,
  names?: AssignmentNames,
): RoleAssignment {
  const domainName = (id: string) => names?.projects.get(id)?.name ?? '';
  const out: RoleAssignment = { links: { assignment: '' }, scope: {}, role: { id: ref.role_id } };
  let inherited = ref.inherited === true;
  let link = '';
  if (ref.project_id !== undefined) {
    const p = names?.projects.get(ref.project_id);
    out.scope.project = names
      ? {
          id: ref.project_id,
          name: p?.name ?? '',
          domain: { id: p?.domain_id ?? '', name: p ? domainName(p.domain_id) : '' },
        }
      : { id: ref.project_id };
    if (ref.indirect?.domain_id !== undefined) {
      inherited = true;
      link = `/domains/${ref.indirect.domain_id}`;
    } else if (ref.indirect?.project_id !== undefined) {
      inherited = true;
      link = `/projects/${ref.indirect.project_id}`;
    } else link = `/projects/${ref.project_id}`;
  } else if (ref.domain_id !== undefined) {
    out.scope.domain = names ? { id: ref.domain_id, name: domainName(ref.domain_id) } : { id: ref.domain_id };
    link = `/domains/${ref.domain_id}`;
  } else if (ref.system) {
    out.scope.system = { all: true };
    link = '/system';
  }

  const actor = (id: string, row: NamedRow | undefined): Ref =>
    names
      ? { id, name: row?.name ?? '', domain: { id: row?.domain_id ?? '', name: row ? domainName(row.domain_id) : '' } }
      : { id };
  if (ref.user_id !== undefined) {
    out.user = actor(ref.user_id, names?.users.get(ref.user_id));
    const viaGroup = ref.indirect?.group_id;
    if (viaGroup !== undefined) {
      out.links.membership = url(`/groups/${viaGroup}/users/${ref.user_id}`);
      link += `/groups/${viaGroup}`;
    } else link += `/users/${ref.user_id}`;
  } else if (ref.group_id !== undefined) {
    out.group = actor(ref.group_id, names?.groups.get(ref.group_id));
    link += `/groups/${ref.group_id}`;
  }

  const role = names?.roles.get(ref.role_id);
  if (names) {
    out.role = { id: ref.role_id, name: role?.name ?? '' };
    if (role && role.domain_id !== ROOT) out.role.domain = { id: role.domain_id, name: domainName(role.domain_id) };
  }
  const prior = ref.indirect?.role_id;
  link += `/roles/${prior ?? ref.role_id}`;

  if (inherited) {
    out.scope['OS-INHERIT:inherited_to'] = 'projects';
    link = `/OS-INHERIT${link}/inherited_to_projects`;
  }
  out.links.assignment = url(link);
  // Keystone's own spelling of this link, arguments in this order; clients only display it.
  if (prior !== undefined) out.links.prior_role = url(`/prior_role/${ref.role_id}/implies/${prior}`);
  return out;
}
