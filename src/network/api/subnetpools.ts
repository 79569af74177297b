import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { type Caller, callerOf, enforce, enforceAttributes } from '../access.ts';
import { bodyMembers, parseCreate, parseUpdate } from '../attributes.ts';
import type { NetworkDeps } from '../deps.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { applyListQuery, type ListQuery, pageOf, parseListQuery, pickFields } from '../listing.ts';
import { ownerOf } from '../network-create.ts';
import { notifyChange } from '../notifications.ts';
import { bumped, checkIfMatch, newStandardColumns } from '../standard-attrs.ts';
import { tagsOf } from '../store/tags.ts';
import { checkPoolUpdateAllowed, checkScopeAssociation } from '../subnetpool-scope.ts';
import {
  checkBounds,
  checkPrefixesGrow,
  compactPrefixes,
  SUBNETPOOL_ATTRS,
  subnetPoolView,
} from '../subnetpool-view.ts';
import type { NetworkDb, SubnetPoolRow } from '../tables.ts';

type ServiceApp = import('../../core/http/service.ts').ServiceApp;

interface IdParams {
  subnetpool_id: string;
}

/** /v2.0/subnetpools: pools of prefixes subnets are carved from. */
export function subnetPoolsRoutes(app: ServiceApp, deps: NetworkDeps): void {
  app.get('/v2.0/subnetpools', async (req) => {
    const caller = callerOf(req);
    const q = parseListQuery(req.query as Record<string, string>, SUBNETPOOL_ATTRS);
    const marker = q.marker ? await visibleOr404(deps.db, caller, q.marker) : undefined;
    const rows = await applyListQuery(
      visible(deps.db, caller),
      q,
      SUBNETPOOL_ATTRS,
      'subnetpools',
      'subnetpool',
      marker,
    ).execute();
    const { items, links } = pageOf(rows, q, deps.url('/v2.0/subnetpools'), req.url.split('?')[1] ?? '');
    const views = await viewsOf(deps.db, items, q);
    return links ? { subnetpools: views, subnetpools_links: links } : { subnetpools: views };
  });

  app.get<{ Params: IdParams }>('/v2.0/subnetpools/:subnetpool_id', async (req) => {
    const row = await visibleOr404(deps.db, callerOf(req), req.params.subnetpool_id);
    const q = parseListQuery({ fields: (req.query as Record<string, string>).fields ?? [] }, SUBNETPOOL_ATTRS);
    return { subnetpool: (await viewsOf(deps.db, [row], q))[0] };
  });

  app.post('/v2.0/subnetpools', async (req, reply) => {
    const caller = callerOf(req);
    const [input] = bodyMembers(req.body, 'subnetpool', 'subnetpools', false);
    const row = await deps.db.transaction().execute((trx) => createPool(req, trx, caller, input));
    const [view] = await viewsOf(deps.db, [row]);
    await notifyChange(deps, 'subnetpool', 'create', view);
    reply.code(201);
    return { subnetpool: view };
  });

  app.put<{ Params: IdParams }>('/v2.0/subnetpools/:subnetpool_id', async (req) => {
    const caller = callerOf(req);
    const [input] = bodyMembers(req.body, 'subnetpool', 'subnetpools', false);
    const changes = parseUpdate(SUBNETPOOL_ATTRS, input);
    const row = await deps.db.transaction().execute(async (trx) => {
      const row = await visibleOr404(trx, caller, req.params.subnetpool_id);
      checkIfMatch(req, row);
      const [before] = await viewsOf(trx, [row]);
      enforce(req, 'update_subnetpool', before);
      enforceAttributes(req, 'update', 'subnetpool', ['is_default'], changes, before);
      const set: Partial<SubnetPoolRow> = { ...bumped(row) };
      if (row.address_scope_id) await checkPoolUpdateAllowed(trx, caller, row.id, row.address_scope_id);
      const oldPrefixes = before.prefixes as string[];
      let prefixes = oldPrefixes;
      if (changes.prefixes) {
        const compact = compactPrefixes(changes.prefixes as string[]);
        if (compact.version !== row.ip_version)
          throw badRequest('Cannot mix IPv4 and IPv6 prefixes in a subnet pool.', 'PrefixVersionMismatch');
        checkPrefixesGrow(oldPrefixes, compact.prefixes);
        prefixes = compact.prefixes;
      }
      for (const k of [
        'name',
        'description',
        'default_prefixlen',
        'min_prefixlen',
        'max_prefixlen',
        'address_scope_id',
        'default_quota',
      ] as const)
        if (k in changes) (set as Record<string, unknown>)[k] = changes[k];
      if ('is_default' in changes) set.is_default = changes.is_default ? 1 : 0;
      const next = { ...row, ...set };
      checkBounds(row.ip_version as 4 | 6, next.min_prefixlen, next.max_prefixlen, next.default_prefixlen);
      if (set.is_default) await checkOneDefault(trx, row.ip_version, row.id);
      if (next.address_scope_id)
        await checkScopeAssociation(trx, caller, next.address_scope_id, {
          id: row.id,
          version: row.ip_version,
          prefixes,
        });
      if (changes.prefixes) {
        await trx.deleteFrom('subnetpool_prefixes').where('subnetpool_id', '=', row.id).execute();
        await trx
          .insertInto('subnetpool_prefixes')
          .values(prefixes.map((cidr) => ({ subnetpool_id: row.id, cidr })))
          .execute();
      }
      await trx.updateTable('subnetpools').set(set).where('id', '=', row.id).execute();
      return next;
    });
    const [view] = await viewsOf(deps.db, [row]);
    await notifyChange(deps, 'subnetpool', 'update', view);
    return { subnetpool: view };
  });

  app.delete<{ Params: IdParams }>('/v2.0/subnetpools/:subnetpool_id', async (req, reply) => {
    const caller = callerOf(req);
    const view = await deps.db.transaction().execute(async (trx) => {
      const row = await visibleOr404(trx, caller, req.params.subnetpool_id);
      checkIfMatch(req, row);
      const [before] = await viewsOf(trx, [row]);
      enforce(req, 'delete_subnetpool', before);
      const used = await trx.selectFrom('subnets').select('id').where('subnetpool_id', '=', row.id).executeTakeFirst();
      if (used)
        throw conflict('SubnetPoolInUse', `Unable to complete operation on subnet pool ${row.id}. Subnet pool in use.`);
      await trx.deleteFrom('subnetpool_prefixes').where('subnetpool_id', '=', row.id).execute();
      await trx
        .deleteFrom('network_tags')
        .where('resource_type', '=', 'subnetpool')
        .where('resource_id', '=', row.id)
        .execute();
      await trx.deleteFrom('subnetpools').where('id', '=', row.id).execute();
      return before;
    });
    await notifyChange(deps, 'subnetpool', 'delete', view);
    return reply.code(204).send();
  });
}

async function createPool(req: FastifyRequest, trx: NetworkDb, caller: Caller, input: Record<string, unknown>) {
  const values = parseCreate(SUBNETPOOL_ATTRS, input);
  const projectId = ownerOf(caller, values.project_id as string | undefined);
  const target = { ...values, project_id: projectId, tenant_id: projectId };
  enforce(req, 'create_subnetpool', target);
  enforceAttributes(req, 'create', 'subnetpool', ['shared', 'is_default'], values, target, {
    shared: false,
    is_default: false,
  });
  const { version, prefixes } = compactPrefixes(values.prefixes as string[]);
  const min = (values.min_prefixlen as number | undefined) ?? (version === 4 ? 8 : 64);
  const max = (values.max_prefixlen as number | undefined) ?? (version === 4 ? 32 : 128);
  const def = (values.default_prefixlen as number | undefined) ?? min;
  checkBounds(version, min, max, def);
  if (values.is_default) await checkOneDefault(trx, version);
  const scope = (values.address_scope_id as string | null | undefined) ?? null;
  const id = randomUUID();
  if (scope) await checkScopeAssociation(trx, caller, scope, { id, version, prefixes });
  const row: SubnetPoolRow = {
    ...newStandardColumns(id, projectId, values.description as string),
    name: values.name as string,
    ip_version: version,
    default_prefixlen: def,
    min_prefixlen: min,
    max_prefixlen: max,
    shared: values.shared ? 1 : 0,
    is_default: values.is_default ? 1 : 0,
    address_scope_id: scope,
    default_quota: (values.default_quota as number | null | undefined) ?? null,
  };
  await trx.insertInto('subnetpools').values(row).execute();
  await trx
    .insertInto('subnetpool_prefixes')
    .values(prefixes.map((cidr) => ({ subnetpool_id: row.id, cidr })))
    .execute();
  return row;
}

async function checkOneDefault(trx: NetworkDb, version: number, except = ''): Promise<void> {
  const other = await trx
    .selectFrom('subnetpools')
    .select('id')
    .where('is_default', '=', 1)
    .where('ip_version', '=', version)
    .where('id', '!=', except)
    .executeTakeFirst();
  if (other)
    throw badRequest(
      'Invalid input for operation: A default subnetpool for this IP family has already been set. Only one default may exist per IP family.',
      'InvalidInput',
    );
}

function visible(db: NetworkDb, caller: Caller) {
  const q = db.selectFrom('subnetpools').selectAll('subnetpools');
  if (caller.isAdmin) return q;
  return q.where((eb) =>
    eb.or([eb('subnetpools.project_id', '=', caller.projectId), eb('subnetpools.shared', '=', 1)]),
  );
}

async function visibleOr404(db: NetworkDb, caller: Caller, id: string): Promise<SubnetPoolRow> {
  const row = await visible(db, caller).where('subnetpools.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('subnetpool', id);
  return row;
}

async function viewsOf(db: NetworkDb, rows: SubnetPoolRow[], q?: ListQuery): Promise<Record<string, unknown>[]> {
  const ids = rows.map((r) => r.id);
  const tags = await tagsOf(db, 'subnetpool', ids);
  const prefixes = ids.length
    ? await db.selectFrom('subnetpool_prefixes').selectAll().where('subnetpool_id', 'in', ids).execute()
    : [];
  return rows.map((row) => {
    const view = subnetPoolView(
      row,
      prefixes.filter((p) => p.subnetpool_id === row.id).map((p) => p.cidr),
      tags.get(row.id) ?? [],
    );
    return q ? pickFields(view, q.fields) : view;
  });
}
