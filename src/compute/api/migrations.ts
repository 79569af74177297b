import type { FastifyRequest } from 'fastify';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { badRequest, notFound } from '../errors.ts';
import { visibleInstanceOr404 } from '../instance-store.ts';
import { nextLinks, pageAfter, parseLimit, queryValue } from '../list-paging.ts';
import { inProgress, migrationView, serverMigrationView } from '../migration-view.ts';
import { enforceNova, instanceTarget, serverCallerOf } from '../server-access.ts';

type ServerParams = { server_id: string };
type MigrationParams = { server_id: string; migration_id: string };

const FILTERS = ['host', 'status', 'instance_uuid', 'source_compute', 'migration_type', 'hidden'];

function since(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  if (Number.isNaN(t)) throw badRequest(`Invalid input for query parameters ${name}. Value: ${value}.`);
  return new Date(t).toISOString();
}

/**
 * /os-migrations (admins): resizes and migrations the conductor records; filters as Nova's; paging and
 * changes-since from 2.59, user_id/project_id filters 2.80. /servers/{id}/migrations lists the server's live
 * migrations in progress (force-complete and abort are not offered).
 */
export function migrationRoutes(app: ServiceApp, deps: ComputeDeps): void {
  app.get('/v2.1/os-migrations', async (req) => {
    enforceNova(req, 'os_compute_api:os-migrations:index', {});
    const mv = req.microversion;
    const query = req.query as Record<string, unknown>;
    let q = deps.db.selectFrom('instance_migrations').selectAll();
    const host = queryValue(query.host);
    if (host !== undefined)
      q = q.where((eb) => eb.or([eb('source_compute', '=', host), eb('dest_compute', '=', host)]));
    for (const [param, column] of [
      ['status', 'status'],
      ['instance_uuid', 'instance_uuid'],
      ['source_compute', 'source_compute'],
      ['migration_type', 'migration_type'],
    ] as const) {
      const v = queryValue(query[param]);
      if (v !== undefined) q = q.where(column, '=', v);
    }
    let limit: number | undefined;
    let marker: string | undefined;
    if (mv.atLeast('2.59')) {
      const allowed = [...FILTERS, 'limit', 'marker', 'changes-since', 'changes-before', 'user_id', 'project_id'];
      for (const k of Object.keys(query))
        if (!allowed.includes(k))
          throw badRequest(
            `Invalid input for query parameters ${k}. Additional properties are not allowed ('${k}' was unexpected)`,
          );
      limit = parseLimit(query.limit);
      marker = queryValue(query.marker);
      const from = since('changes-since', queryValue(query['changes-since']));
      const to = mv.atLeast('2.66') ? since('changes-before', queryValue(query['changes-before'])) : undefined;
      if (from) q = q.where((eb) => eb.or([eb('updated_at', '>=', from), eb('created_at', '>=', from)]));
      if (to) q = q.where('created_at', '<=', to);
      if (mv.atLeast('2.80')) {
        const user = queryValue(query.user_id);
        const project = queryValue(query.project_id);
        if (user !== undefined) q = q.where('user_id', '=', user);
        if (project !== undefined) q = q.where('project_id', '=', project);
      }
    }
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    if (marker !== undefined && !rows.some((r) => r.uuid === marker))
      throw badRequest(`Marker ${marker} could not be found.`);
    const page = mv.atLeast('2.59') ? pageAfter(rows, (r) => r.uuid, marker, limit) : rows;
    const migrations = page.map((m) => migrationView(m, mv, deps.url));
    const links = mv.atLeast('2.59')
      ? nextLinks(deps.url, '/os-migrations', query, page, limit, page.at(-1)?.uuid)
      : undefined;
    return links ? { migrations, migrations_links: links } : { migrations };
  });

  const liveMigrations = async (req: FastifyRequest<{ Params: ServerParams }>, rule: string) => {
    const row = await visibleInstanceOr404(deps.db, serverCallerOf(req), req.params.server_id);
    enforceNova(req, rule, instanceTarget(row));
    const rows = await deps.db
      .selectFrom('instance_migrations')
      .selectAll()
      .where('instance_uuid', '=', row.uuid)
      .where('migration_type', '=', 'live-migration')
      .orderBy('id')
      .execute();
    return rows.filter((m) => inProgress(m.status));
  };

  app.get<{ Params: ServerParams }>('/v2.1/servers/:server_id/migrations', async (req) => {
    if (!req.microversion.atLeast('2.23')) throw notFound('The resource could not be found.');
    const rows = await liveMigrations(req, 'os_compute_api:servers:migrations:index');
    return { migrations: rows.map((m) => serverMigrationView(m, req.microversion)) };
  });

  app.get<{ Params: MigrationParams }>('/v2.1/servers/:server_id/migrations/:migration_id', async (req) => {
    if (!req.microversion.atLeast('2.23')) throw notFound('The resource could not be found.');
    const rows = await liveMigrations(req, 'os_compute_api:servers:migrations:show');
    const hit = rows.find((m) => String(m.id) === req.params.migration_id);
    if (!hit)
      throw notFound(
        `In-progress live migration ${req.params.migration_id} is not found for server ${req.params.server_id}.`,
      );
    return { migration: serverMigrationView(hit, req.microversion) };
  });
}
