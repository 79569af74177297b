import { type Static, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { badRequest, notFound, notImplemented } from '../errors.ts';
import { hostZones, zoneOf } from '../host-zones.ts';
import { queryValue } from '../list-paging.ts';
import { enforceNova } from '../server-access.ts';
import type { FlavorSnapshot } from '../tables.ts';

const EnableDisable = Type.Union(
  ['enable', 'disable', 'Enable', 'Disable', 'ENABLE', 'DISABLE'].map((v) => Type.Literal(v)),
);
const HostUpdate = Type.Object(
  { status: Type.Optional(EnableDisable), maintenance_mode: Type.Optional(EnableDisable) },
  { additionalProperties: false },
);
type HostUpdate = Static<typeof HostUpdate>;
type HostParams = { host_name: string };

/** Nova's service names in os-hosts: the binary without `nova-`. */
const serviceName = (binary: string) => binary.replace(/^nova-/, '');

/**
 * /os-hosts (deprecated, gone at 2.43): hosts with their services and zones, a host's resources in total, used
 * now and per project, enable/disable of its compute service. Maintenance mode and power actions answer 501, as
 * Nova's libvirt driver does.
 */
export function hostRoutes(app: ServiceApp, deps: ComputeDeps): void {
  const gone = (req: FastifyRequest) => {
    if (req.microversion.atLeast('2.43')) throw notFound('The resource could not be found.');
  };
  const computeService = async (host: string) => {
    const row = await deps.db
      .selectFrom('compute_services')
      .selectAll()
      .where('host', '=', host)
      .where('binary', '=', 'nova-compute')
      .executeTakeFirst();
    if (!row) throw notFound(`Compute host ${host} could not be found.`);
    return row;
  };

  app.get('/v2.1/os-hosts', async (req) => {
    gone(req);
    enforceNova(req, 'os_compute_api:os-hosts:list', {});
    // A blank zone lists every host, as Nova does.
    const zone = queryValue((req.query as Record<string, unknown>).zone) || undefined;
    const services = await deps.db.selectFrom('compute_services').selectAll().orderBy('host').execute();
    const zones = await hostZones(deps);
    const hosts = services
      .map((s) => ({ host_name: s.host, service: serviceName(s.binary), zone: zoneOf(deps, zones, s.host, s.binary) }))
      .filter((h) => zone === undefined || h.zone === zone);
    return { hosts };
  });

  app.get<{ Params: HostParams }>('/v2.1/os-hosts/:host_name', async (req) => {
    gone(req);
    enforceNova(req, 'os_compute_api:os-hosts:show', {});
    const host = req.params.host_name;
    await computeService(host);
    const node = await deps.db.selectFrom('compute_nodes').selectAll().where('host', '=', host).executeTakeFirst();
    const servers = await deps.db
      .selectFrom('instances')
      .select(['project_id', 'flavor'])
      .where('host', '=', host)
      .where('deleted', '=', 0)
      .execute();
    const perProject = new Map<string, { cpu: number; memory_mb: number; disk_gb: number }>();
    for (const s of servers) {
      const f = JSON.parse(s.flavor) as Partial<FlavorSnapshot>;
      const acc = perProject.get(s.project_id) ?? { cpu: 0, memory_mb: 0, disk_gb: 0 };
      acc.cpu += f.vcpus ?? 0;
      acc.memory_mb += f.memory_mb ?? 0;
      acc.disk_gb += (f.root_gb ?? 0) + (f.ephemeral_gb ?? 0);
      perProject.set(s.project_id, acc);
    }
    const used = [...perProject.values()].reduce(
      (a, b) => ({ cpu: a.cpu + b.cpu, memory_mb: a.memory_mb + b.memory_mb, disk_gb: a.disk_gb + b.disk_gb }),
      { cpu: 0, memory_mb: 0, disk_gb: 0 },
    );
    const resource = (project: string, r: { cpu: number; memory_mb: number; disk_gb: number }) => ({
      resource: { host, project, ...r },
    });
    return {
      host: [
        resource('(total)', { cpu: node?.vcpus ?? 0, memory_mb: node?.memory_mb ?? 0, disk_gb: node?.local_gb ?? 0 }),
        resource('(used_now)', {
          cpu: node?.vcpus_used ?? used.cpu,
          memory_mb: node?.memory_mb_used ?? used.memory_mb,
          disk_gb: node?.local_gb_used ?? used.disk_gb,
        }),
        resource('(used_max)', used),
        ...[...perProject.entries()].map(([project, r]) => resource(project, r)),
      ],
    };
  });

  app.put<{ Params: HostParams; Body: HostUpdate }>(
    '/v2.1/os-hosts/:host_name',
    { schema: { body: HostUpdate } },
    async (req) => {
      gone(req);
      enforceNova(req, 'os_compute_api:os-hosts:update', {});
      const body = req.body;
      if (body.status === undefined && body.maintenance_mode === undefined)
        throw badRequest("Invalid input for field/attribute status. 'status' or 'maintenance_mode' is required");
      const service = await computeService(req.params.host_name);
      if (body.maintenance_mode !== undefined)
        throw notImplemented('Virt driver does not implement host maintenance mode.');
      const disabled = body.status?.toLowerCase() === 'disable';
      await deps.db
        .updateTable('compute_services')
        .set({ disabled: disabled ? 1 : 0, disabled_reason: null, updated_at: new Date().toISOString() })
        .where('id', '=', service.id)
        .execute();
      return { host: service.host, status: disabled ? 'disabled' : 'enabled' };
    },
  );

  for (const [action, rule] of [
    ['reboot', 'reboot'],
    ['shutdown', 'shutdown'],
    ['startup', 'start'],
  ] as const)
    app.get<{ Params: HostParams }>(`/v2.1/os-hosts/:host_name/${action}`, async (req) => {
      gone(req);
      enforceNova(req, `os_compute_api:os-hosts:${rule}`, {});
      await computeService(req.params.host_name);
      throw notImplemented('Virt driver does not implement host power management.');
    });
}
