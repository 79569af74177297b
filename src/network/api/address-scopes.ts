import { randomUUID } from 'node:crypto';
import { type Caller, callerOf, enforce, enforceAttributes } from '../access.ts';
import { bodyMembers, parseCreate, parseUpdate } from '../attributes.ts';
import type { NetworkDeps } from '../deps.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { applyListQuery, type ListQuery, pageOf, parseListQuery, pickFields } from '../listing.ts';
import { ownerOf } from '../network-create.ts';
import { notifyChange } from '../notifications.ts';
import { bumped, checkIfMatch, newStandardColumns } from '../standard-attrs.ts';
import { tagsOf } from '../store/tags.ts';
import { ADDRESS_SCOPE_ATTRS, addressScopeView } from '../subnetpool-view.ts';
import type { AddressScopeRow, NetworkDb } from '../tables.ts';

type ServiceApp = import('../../core/http/service.ts').ServiceApp;

interface IdParams {
  address_scope_id: string;
}

/** /v2.0/address-scopes: scopes subnet pools join so their addresses route without NAT. */
export function addressScopesRoutes(app: ServiceApp, deps: NetworkDeps): void {
  app.get('/v2.0/address-scopes', async (req) => {
    const caller = callerOf(req);
    const q = parseListQuery(req.query as Record<string, string>, ADDRESS_SCOPE_ATTRS);
    const marker = q.marker ? await visibleOr404(deps.db, caller, q.marker) : undefined;
    const query = applyListQuery(
      visible(deps.db, caller),
      q,
      ADDRESS_SCOPE_ATTRS,
      'address_scopes',
      'address_scope',
      marker,
    );
    const { items, links } = pageOf(
      await query.execute(),
      q,
      deps.url('/v2.0/address-scopes'),
      req.url.split('?')[1] ?? '',
    );
    const views = await viewsOf(deps.db, items, q);
    return links ? { address_scopes: views, address_scopes_links: links } : { address_scopes: views };
  });

  app.get<{ Params: IdParams }>('/v2.0/address-scopes/:address_scope_id', async (req) => {
    const row = await visibleOr404(deps.db, callerOf(req), req.params.address_scope_id);
    const q = parseListQuery({ fields: (req.query as Record<string, string>).fields ?? [] }, ADDRESS_SCOPE_ATTRS);
    return { address_scope: (await viewsOf(deps.db, [row], q))[0] };
  });

  app.post('/v2.0/address-scopes', async (req, reply) => {
    const caller = callerOf(req);
    const [input] = bodyMembers(req.body, 'address_scope', 'address_scopes', false);
    const values = parseCreate(ADDRESS_SCOPE_ATTRS, input);
    const projectId = ownerOf(caller, values.project_id as string | undefined);
    const target = { ...values, project_id: projectId, tenant_id: projectId };
    enforce(req, 'create_address_scope', target);
    enforceAttributes(req, 'create', 'address_scope', ['shared'], values, target, { shared: false });
    const row: AddressScopeRow = {
      ...newStandardColumns(randomUUID(), projectId, values.description as string),
      name: values.name as string,
      ip_version: values.ip_version as number,
      shared: values.shared ? 1 : 0,
    };
    await deps.db.transaction().execute((trx) => trx.insertInto('address_scopes').values(row).execute());
    const [view] = await viewsOf(deps.db, [row]);
    await notifyChange(deps, 'address_scope', 'create', view);
    reply.code(201);
    return { address_scope: view };
  });

  app.put<{ Params: IdParams }>('/v2.0/address-scopes/:address_scope_id', async (req) => {
    const caller = callerOf(req);
    const [input] = bodyMembers(req.body, 'address_scope', 'address_scopes', false);
    const changes = parseUpdate(ADDRESS_SCOPE_ATTRS, input);
    const row = await deps.db.transaction().execute(async (trx) => {
      const row = await visibleOr404(trx, caller, req.params.address_scope_id);
      checkIfMatch(req, row);
      const [before] = await viewsOf(trx, [row]);
      enforce(req, 'update_address_scope', before);
      enforceAttributes(req, 'update', 'address_scope', ['shared'], changes, before);
      if (row.shared && changes.shared === false)
        throw badRequest(
          `Unable to update address scope ${row.id} : Shared address scope can't be unshared.`,
          'AddressScopeUpdateError',
        );
      const set: Partial<AddressScopeRow> = { ...bumped(row) };
      if ('name' in changes) set.name = changes.name as string;
      if ('description' in changes) set.description = changes.description as string;
      if ('shared' in changes) set.shared = changes.shared ? 1 : 0;
      await trx.updateTable('address_scopes').set(set).where('id', '=', row.id).execute();
      return { ...row, ...set };
    });
    const [view] = await viewsOf(deps.db, [row]);
    await notifyChange(deps, 'address_scope', 'update', view);
    return { address_scope: view };
  });

  app.delete<{ Params: IdParams }>('/v2.0/address-scopes/:address_scope_id', async (req, reply) => {
    const caller = callerOf(req);
    const view = await deps.db.transaction().execute(async (trx) => {
      const row = await visibleOr404(trx, caller, req.params.address_scope_id);
      checkIfMatch(req, row);
      const [before] = await viewsOf(trx, [row]);
      enforce(req, 'delete_address_scope', before);
      const pool = await trx
        .selectFrom('subnetpools')
        .select('id')
        .where('address_scope_id', '=', row.id)
        .executeTakeFirst();
      if (pool)
        throw conflict(
          'AddressScopeInUse',
          `Unable to complete operation on address scope ${row.id}. There are one or more subnet pools in use on the address scope.`,
        );
      await trx
        .deleteFrom('network_tags')
        .where('resource_type', '=', 'address_scope')
        .where('resource_id', '=', row.id)
        .execute();
      await trx.deleteFrom('address_scopes').where('id', '=', row.id).execute();
      return before;
    });
    await notifyChange(deps, 'address_scope', 'delete', view);
    return reply.code(204).send();
  });
}

function visible(db: NetworkDb, caller: Caller) {
  const q = db.selectFrom('address_scopes').selectAll('address_scopes');
  if (caller.isAdmin) return q;
  return q.where((eb) =>
    eb.or([eb('address_scopes.project_id', '=', caller.projectId), eb('address_scopes.shared', '=', 1)]),
  );
}

async function visibleOr404(db: NetworkDb, caller: Caller, id: string): Promise<AddressScopeRow> {
  const row = await visible(db, caller).where('address_scopes.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('address_scope', id);
  return row;
}

async function viewsOf(db: NetworkDb, rows: AddressScopeRow[], q?: ListQuery): Promise<Record<string, unknown>[]> {
  const tags = await tagsOf(
    db,
    'address_scope',
    rows.map((r) => r.id),
  );
  return rows.map((row) => {
    const view = addressScopeView(row, tags.get(row.id) ?? []);
    return q ? pickFields(view, q.fields) : view;
  });
}
