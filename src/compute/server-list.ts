import type { FastifyRequest } from 'fastify';
import type { ComputeDeps } from './deps.ts';
import { badRequest, forbidden } from './errors.ts';
import { vmStatesOf } from './instance-state.ts';
import { tagsOf } from './instance-store.ts';
import { nextLinks, pageAfter, parseLimit, queryValue } from './list-paging.ts';
import type { Microversion } from './microversion.ts';
import { enforceNova, type ServerCaller, serverCallerOf } from './server-access.ts';
import { idOfRef } from './server-create-input.ts';
import {
  IGNORED_SORT_KEYS,
  JOINED,
  KNOWN,
  REGEX_FILTERS,
  SORT_KEYS,
  USER_FILTERS,
  USER_FILTERS_226,
  USER_FILTERS_283,
} from './server-list-params.ts';

import { flavorOf, networkInfoOf } from './server-view.ts';
import type { InstanceRow } from './tables.ts';

type Query = Record<string, string | string[] | undefined>;
const one = (q: Query, k: string) => queryValue(q[k]);

function boolParam(name: string, v: string): boolean {
  const s = v.toLowerCase();
  if (['', '1', 't', 'true', 'on', 'y', 'yes'].includes(s)) return true;
  if (['0', 'f', 'false', 'off', 'n', 'no'].includes(s)) return false;
  throw badRequest(`Invalid input for field/attribute ${name}. Value: ${v}.`);
}

function timeParam(name: string, v: string): string {
  const t = Date.parse(v.replace(' ', 'T'));
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(t))
    throw badRequest(`Invalid input for field/attribute ${name}. Value: ${v}. '${v}' is not a 'date-time'`);
  return new Date(t).toISOString();
}

function regexOf(v: string): RegExp {
  try {
    return new RegExp(v);
  } catch {
    return new RegExp(v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  }
}

/** GET /servers and /servers/detail: Nova's filters, sorting and paging over the caller's servers. */
export async function listServers(
  req: FastifyRequest,
  deps: ComputeDeps,
  detail: boolean,
): Promise<{ rows: InstanceRow[]; links?: { href: string; rel: 'next' }[] }> {
  const caller = serverCallerOf(req);
  const mv = req.microversion;
  const raw = req.query as Query;
  if (mv.atLeast('2.75')) {
    const unknown = Object.keys(raw).find((k) => !KNOWN.has(k) || (mv.atMost('2.25') && k.includes('tags')));
    if (unknown)
      throw badRequest(`Invalid input for query parameters ${unknown}. Additional properties are not allowed`);
  }
  const target = { project_id: caller.projectId, user_id: caller.userId };
  enforceNova(req, `os_compute_api:servers:${detail ? 'detail' : 'index'}`, target);
  const allFilters = req.ctx.allowed('os_compute_api:servers:allow_all_filters', target);
  const q: Query = {};
  const allowed = new Set([
    ...USER_FILTERS,
    ...(mv.atLeast('2.5') ? ['ip6'] : []),
    ...(mv.atLeast('2.26') ? USER_FILTERS_226 : []),
    ...(mv.atLeast('2.66') ? ['changes-before'] : []),
    ...(mv.atLeast('2.73') ? ['locked'] : []),
    ...(mv.atLeast('2.83') ? USER_FILTERS_283 : []),
    ...(mv.atLeast('2.90') ? ['hostname'] : []),
  ]);
  for (const [k, v] of Object.entries(raw))
    if (allFilters || allowed.has(k) || ['limit', 'marker', 'sort_key', 'sort_dir'].includes(k)) q[k] = v;

  const refused = Object.keys(q).find((k) => JOINED.has(k) || k.startsWith('_'));
  if (refused) throw badRequest(`Invalid filter field: ${refused}.`);
  // An empty all_tenants turns it on; anything else must be a boolean.
  const allTenantsParam = one(q, 'all_tenants');
  const allTenants =
    allTenantsParam !== undefined && (allTenantsParam === '' || boolParam('all_tenants', allTenantsParam));
  if (allTenants) enforceNova(req, `os_compute_api:servers:${detail ? 'detail' : 'index'}:get_all_tenants`, target);
  const limit = parseLimit(q.limit);
  const marker = one(q, 'marker');
  const sorts = sortsOf(q, caller, mv);

  let sql = deps.db.selectFrom('instances').selectAll();
  if (!allTenants) sql = sql.where('project_id', '=', caller.projectId);
  else {
    const project = one(q, 'project_id') ?? one(q, 'tenant_id');
    if (project) sql = sql.where('project_id', '=', project);
  }
  const changesSince =
    one(q, 'changes-since') !== undefined ? timeParam('changes-since', one(q, 'changes-since') as string) : undefined;
  const changesBefore =
    one(q, 'changes-before') !== undefined
      ? timeParam('changes-before', one(q, 'changes-before') as string)
      : undefined;
  if (changesSince && changesBefore && changesSince > changesBefore)
    throw badRequest('The value of changes-since must be less than or equal to changes-before.');
  const deletedParam = one(q, 'deleted');
  // Nova reads an unparsable `deleted` as false.
  let deleted = deletedParam !== undefined ? /^(1|t|true|on|y|yes)$/i.test(deletedParam) : undefined;
  const statuses = q.status === undefined ? [] : Array.isArray(q.status) ? q.status : [q.status];
  if (statuses.length > 0 && statuses.every((st) => st.toUpperCase() === 'DELETED')) {
    if (!caller.isAdmin) throw forbidden('Only administrators may list deleted instances');
    deleted = true;
  }
  // With changes-since/-before Nova also lists deleted servers (unless deleted=false), so clients see deletes.
  if (deleted === true) sql = sql.where('deleted', '=', 1);
  else if (deleted === false || (!changesSince && !changesBefore)) sql = sql.where('deleted', '=', 0);
  // Nova matches these exactly; the other column filters are regular expressions (applied below).
  for (const [param, column] of [
    ['host', 'host'],
    ['user_id', 'user_id'],
    ['vm_state', 'vm_state'],
    ['task_state', 'task_state'],
    ['uuid', 'uuid'],
    ['launch_index', 'launch_index'],
  ] as const) {
    const v = one(q, param);
    if (v === undefined) continue;
    if (column === 'launch_index') {
      // An integer column: a value that is not a number matches nothing (PostgreSQL would refuse the comparison).
      if (!/^-?\d+$/.test(v)) return { rows: [] };
      sql = sql.where(column, '=', Number(v));
    } else sql = sql.where(column, '=', v as never);
  }
  let rows = await sql.execute();

  const status = q.status === undefined ? undefined : Array.isArray(q.status) ? q.status : [q.status];
  if (status) {
    const vm = new Set<string>();
    const tasks = new Set<string>();
    for (const s of status) {
      const states = vmStatesOf(s);
      if (!states) {
        if (mv.atLeast('2.38')) throw badRequest(`Invalid status value`);
        return { rows: [] };
      }
      for (const v of states.vmStates) vm.add(v);
      for (const t of states.taskStates ?? []) tasks.add(t);
    }
    // Nova turns a status into vm_states (any task) or, for task-derived ones (REBOOT), task_states.
    rows = rows.filter((r) => vm.has(r.vm_state) || (r.task_state !== null && tasks.has(r.task_state)));
  }
  for (const [param, value] of REGEX_FILTERS) {
    const v = one(q, param);
    if (v === undefined) continue;
    const re = regexOf(v);
    rows = rows.filter((r) => re.test(String(value(r) ?? '')));
  }
  const name = one(q, 'name') ?? one(q, 'display_name');
  if (name !== undefined) {
    const re = regexOf(name);
    rows = rows.filter((r) => re.test(r.display_name));
  }
  const image = one(q, 'image') ?? one(q, 'image_ref');
  if (image !== undefined) rows = rows.filter((r) => r.image_ref === idOfRef(image));
  const flavor = one(q, 'flavor');
  if (flavor !== undefined) rows = rows.filter((r) => flavorOf(r).id === idOfRef(flavor));
  for (const [param, version] of [
    ['ip', 4],
    ['ip6', 6],
  ] as const) {
    const v = one(q, param);
    if (v === undefined) continue;
    const re = regexOf(v);
    rows = rows.filter((r) =>
      networkInfoOf(r).some(
        (vif) =>
          vif.fixed_ips.some((ip) => ip.version === version && re.test(ip.ip_address)) ||
          (vif.floating_ips ?? []).some((f) => re.test(f.floating_ip_address)),
      ),
    );
  }
  if (changesSince) rows = rows.filter((r) => (r.updated_at ?? r.created_at) >= changesSince);
  if (changesBefore) rows = rows.filter((r) => (r.updated_at ?? r.created_at) <= changesBefore);
  const locked = one(q, 'locked');
  if (locked !== undefined) {
    const want = boolParam('locked', locked);
    rows = rows.filter((r) => (r.locked === 1) === want);
  }
  rows = await filterByTags(deps, rows, q);
  rows.sort((a, b) => {
    for (const [key, dir] of sorts) {
      const va = SORT_KEYS[key](a) ?? '';
      const vb = SORT_KEYS[key](b) ?? '';
      if (va < vb) return dir === 'asc' ? -1 : 1;
      if (va > vb) return dir === 'asc' ? 1 : -1;
    }
    return a.uuid < b.uuid ? 1 : a.uuid > b.uuid ? -1 : 0;
  });
  if (marker !== undefined && !rows.some((r) => r.uuid === marker)) throw badRequest(`marker [${marker}] not found`);
  const page = pageAfter(rows, (r) => r.uuid, marker, limit);
  const links = nextLinks(deps.url, detail ? '/servers/detail' : '/servers', raw, page, limit, page.at(-1)?.uuid);
  return { rows: page, links };
}

function sortsOf(q: Query, caller: ServerCaller, mv: Microversion): [string, 'asc' | 'desc'][] {
  const keys = q.sort_key === undefined ? [] : Array.isArray(q.sort_key) ? q.sort_key : [q.sort_key];
  const dirs = q.sort_dir === undefined ? [] : Array.isArray(q.sort_dir) ? q.sort_dir : [q.sort_dir];
  for (const d of dirs)
    if (d !== 'asc' && d !== 'desc') throw badRequest(`Invalid input for field/attribute sort_dir. Value: ${d}.`);
  const ignored = IGNORED_SORT_KEYS.filter((k) => !(k === 'locked' && mv.atLeast('2.73')));
  const out: [string, 'asc' | 'desc'][] = [];
  keys.forEach((k, i) => {
    const known = k in SORT_KEYS && (k !== 'locked' || mv.atLeast('2.73'));
    if (ignored.includes(k) && mv.atMost('2.74')) return;
    if (!known) throw badRequest(`Invalid input for field/attribute sort_key. Value: ${k}.`);
    if ((k === 'host' || k === 'node') && !caller.isAdmin)
      throw forbidden(`Only administrators can sort servers by ${k}`);
    out.push([k, (dirs[i] ?? dirs[0] ?? 'desc') as 'asc' | 'desc']);
  });
  if (out.length === 0) out.push(['created_at', (dirs[0] ?? 'desc') as 'asc' | 'desc']);
  return out;
}

async function filterByTags(deps: ComputeDeps, rows: InstanceRow[], q: Query): Promise<InstanceRow[]> {
  const lists = (k: string) => {
    const v = q[k];
    if (v === undefined) return undefined;
    return (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).filter((s) => s !== '');
  };
  const tags = lists('tags');
  const any = lists('tags-any');
  const not = lists('not-tags');
  const notAny = lists('not-tags-any');
  if (!tags && !any && !not && !notAny) return rows;
  const tagged = await tagsOf(
    deps.db,
    rows.map((r) => r.uuid),
  );
  const byInstance = new Map([...tagged].map(([uuid, list]) => [uuid, new Set(list)]));
  return rows.filter((r) => {
    const mine = byInstance.get(r.uuid) ?? new Set<string>();
    if (tags && !tags.every((t) => mine.has(t))) return false;
    if (any && !any.some((t) => mine.has(t))) return false;
    if (not && not.length > 0 && not.every((t) => mine.has(t))) return false;
    if (notAny?.some((t) => mine.has(t))) return false;
    return true;
  });
}
