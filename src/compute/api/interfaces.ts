import { type Static, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { ServiceApp } from '../../core/http/service.ts';
import { AgentMethod } from '../agent/rpc.ts';
import type { NetworkInfo, NetworkInfoEntry, RequestedNetwork } from '../clients/types.ts';
import type { ComputeDeps } from '../deps.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { infoCacheOf, parseInfoCache, saveInfoCache } from '../info-cache.ts';
import { checkState } from '../instance-state.ts';
import { visibleInstanceOr404 } from '../instance-store.ts';
import { enforceRule, neutronAsCaller } from '../neutron-proxy.ts';
import { actionContextOf, serverCallerOf } from '../server-access.ts';
import type { InstanceRow } from '../tables.ts';

const AI = 'os_compute_api:os-attach-interfaces';

const AttachBody = Type.Object(
  {
    interfaceAttachment: Type.Optional(
      Type.Object(
        {
          net_id: Type.Optional(Type.String({ format: 'uuid' })),
          port_id: Type.Optional(Type.String({ format: 'uuid' })),
          fixed_ips: Type.Optional(
            Type.Array(Type.Object({ ip_address: Type.String() }, { additionalProperties: false }), {
              minItems: 1,
              maxItems: 1,
            }),
          ),
          tag: Type.Optional(Type.String({ minLength: 1, maxLength: 60, pattern: '^[^,/]*$' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
type AttachBody = Static<typeof AttachBody>;

type ServerParams = { server_id: string };
type PortParams = { server_id: string; port_id: string };

interface NeutronPortView {
  id: string;
  network_id: string;
  mac_address: string;
  status: string;
  device_id: string;
  fixed_ips: { subnet_id: string; ip_address: string }[];
}

/**
 * /servers/{id}/os-interface: the server's ports (list, show), attach (a new port on a network, a given port,
 * or one on the project's only network) and detach, each recorded as an instance action and cast to the
 * server's host; the port work itself is done here with the network client.
 */
export function interfacesRoutes(app: ServiceApp, deps: ComputeDeps): void {
  const load = async (req: FastifyRequest, uuid: string, rule: string) => {
    const row = await visibleInstanceOr404(deps.db, serverCallerOf(req), uuid);
    enforceRule(req, `${AI}:${rule}`, { project_id: row.project_id });
    return row;
  };
  const view = (req: FastifyRequest, port: NeutronPortView, info: NetworkInfo) => {
    const out: Record<string, unknown> = {
      port_state: port.status,
      fixed_ips: port.fixed_ips.map((f) => ({ subnet_id: f.subnet_id, ip_address: f.ip_address })),
      port_id: port.id,
      net_id: port.network_id,
      mac_addr: port.mac_address,
    };
    if (req.microversion.atLeast('2.70')) out.tag = info.find((v) => v.id === port.id)?.tag ?? null;
    return out;
  };

  app.get<{ Params: ServerParams }>('/v2.1/servers/:server_id/os-interface', async (req) => {
    const row = await load(req, req.params.server_id, 'list');
    const res = await neutronAsCaller(deps, req)('GET', `/v2.0/ports?device_id=${row.uuid}`);
    const ports = (res.status === 200 ? res.body.ports : []) as NeutronPortView[];
    const info = parseInfoCache(row.info_cache);
    return { interfaceAttachments: ports.map((p) => view(req, p, info)) };
  });

  app.get<{ Params: PortParams }>('/v2.1/servers/:server_id/os-interface/:port_id', async (req) => {
    const row = await load(req, req.params.server_id, 'show');
    const port = await serverPort(deps, req, row, req.params.port_id);
    return { interfaceAttachment: view(req, port, parseInfoCache(row.info_cache)) };
  });

  app.post<{ Params: ServerParams; Body: AttachBody }>(
    '/v2.1/servers/:server_id/os-interface',
    { schema: { body: AttachBody } },
    async (req) => {
      const row = await load(req, req.params.server_id, 'create');
      const caller = serverCallerOf(req);
      const input = req.body.interfaceAttachment ?? {};
      if (input.tag !== undefined && !req.microversion.atLeast('2.49'))
        throw badRequest(
          "Invalid input for field/attribute interfaceAttachment. Additional properties are not allowed ('tag' was unexpected)",
        );
      if (input.net_id && input.port_id) throw badRequest('Must not input both network_id and port_id');
      if (input.fixed_ips && !input.net_id) throw badRequest('Must input network_id when request IP address');
      checkLock(row, caller.isAdmin);
      checkState('attachInterface', row, 'attach_interface');
      if (!row.host)
        throw conflict(`Cannot 'attach_interface' instance ${row.uuid} while it is in vm_state ${row.vm_state}`);

      const wanted = await requestedEntry(deps, req, row, {
        network_id: input.net_id,
        port_id: input.port_id,
        fixed_ip: input.fixed_ips?.[0]?.ip_address,
        tag: input.tag,
      });
      let added: NetworkInfo;
      try {
        added = await deps.network.allocatePorts(
          {
            uuid: row.uuid,
            project_id: row.project_id,
            availability_zone: row.availability_zone,
            hostname: row.hostname,
          },
          { requested: [wanted], securityGroupIds: [] },
          row.host,
        );
      } catch (err) {
        throw attachFailure(err);
      }
      const vif = added[0] as NetworkInfoEntry;
      const info = [...parseInfoCache(row.info_cache).filter((v) => v.id !== vif.id), vif];
      await saveInfoCache(deps.db, row.uuid, info);
      try {
        await deps.conductor.act({
          context: actionContextOf(caller),
          uuid: row.uuid,
          action: 'attach_interface',
          method: AgentMethod.attachInterface,
          taskState: null,
          expectedTaskState: [null],
          args: { vif },
        });
      } catch (err) {
        await releaseVif(deps, vif).catch(() => {});
        await infoCacheOf(deps)
          .refresh(row.uuid)
          .catch(() => undefined);
        throw err;
      }
      const port = await serverPort(deps, req, row, vif.id);
      return { interfaceAttachment: view(req, port, info) };
    },
  );

  app.delete<{ Params: PortParams }>('/v2.1/servers/:server_id/os-interface/:port_id', async (req, reply) => {
    const row = await load(req, req.params.server_id, 'delete');
    const caller = serverCallerOf(req);
    checkLock(row, caller.isAdmin);
    checkState('detachInterface', row, 'detach_interface');
    const port = await serverPort(deps, req, row, req.params.port_id);
    const cached = parseInfoCache(row.info_cache);
    const vif =
      cached.find((v) => v.id === port.id) ?? (await deps.network.networkInfo(row.uuid)).find((v) => v.id === port.id);
    if (!vif) throw notFound(`Port ${port.id} is not attached`);
    await deps.conductor.act({
      context: actionContextOf(caller),
      uuid: row.uuid,
      action: 'detach_interface',
      method: AgentMethod.detachInterface,
      taskState: null,
      expectedTaskState: [null],
      args: { vif },
    });
    await releaseVif(deps, vif);
    await saveInfoCache(
      deps.db,
      row.uuid,
      cached.filter((v) => v.id !== vif.id),
    );
    void infoCacheOf(deps).schedule(row.uuid);
    return reply.code(202).send();
  });
}

/** One port off the server (deallocatePorts is for the whole server): ours deleted, the user's unbound. */
async function releaseVif(deps: ComputeDeps, vif: NetworkInfoEntry): Promise<void> {
  const res = vif.preserve_on_delete
    ? await deps.network.request({}, 'PUT', `/v2.0/ports/${vif.id}`, {
        port: { device_id: '', device_owner: '', 'binding:host_id': '' },
      })
    : await deps.network.request({}, 'DELETE', `/v2.0/ports/${vif.id}`);
  if (res.status >= 400 && res.status !== 404)
    throw new Error(`releasing port ${vif.id}: ${res.status} ${JSON.stringify(res.body ?? '').slice(0, 200)}`);
}

function checkLock(row: InstanceRow, isAdmin: boolean): void {
  if (row.locked && !isAdmin) throw conflict(`Instance ${row.uuid} is locked`);
}

/** A port of this server, seen with the caller's token; Nova's 404 otherwise. */
async function serverPort(
  deps: ComputeDeps,
  req: FastifyRequest,
  row: InstanceRow,
  portId: string,
): Promise<NeutronPortView> {
  const res = await neutronAsCaller(deps, req)('GET', `/v2.0/ports/${encodeURIComponent(portId)}`);
  const port = res.status === 200 ? (res.body.port as NeutronPortView) : undefined;
  if (!port || port.device_id !== row.uuid)
    throw notFound(`Instance ${row.uuid} does not have a port with id ${portId}`);
  return port;
}

/**
 * What to attach, checked as the caller: a given port (unused), a network (visible; the fixed IP in one of its
 * subnets), or, with neither, the project's only network. Nova answers 404 for unknown ports and networks here
 * (400 at boot).
 */
async function requestedEntry(
  deps: ComputeDeps,
  req: FastifyRequest,
  row: InstanceRow,
  entry: RequestedNetwork,
): Promise<RequestedNetwork> {
  const token = req.ctx.requireAuth().token;
  const requested = entry.port_id || entry.network_id ? [entry] : [];
  try {
    const resolved = await deps.network.validateRequested({ token, projectId: row.project_id }, requested, []);
    if (resolved.requested.length === 0) throw badRequest('No network available to attach an interface to.');
    return resolved.requested[0];
  } catch (err) {
    const e = err as { status?: number; message?: string };
    if (e.status === 400 && /could not be found\.$/.test(e.message ?? '')) throw notFound(e.message ?? '');
    if (e.status === 409 && /More than one possible network/.test(e.message ?? ''))
      throw badRequest('Multiple possible networks found, use a Network ID to be more specific.');
    throw err;
  }
}

/** Networking refused the port (address taken, no addresses left): Nova's 409 / 400. */
function attachFailure(err: unknown): Error {
  const e = err as { status?: number; neutronType?: string; message?: string };
  if (e.neutronType === 'IpAddressAlreadyAllocated' || e.neutronType === 'IpAddressInUse')
    return conflict(e.message ?? 'Fixed IP address is already in use');
  if (e.status === 409 && e.neutronType === 'PortInUse') return conflict(e.message ?? 'Port is still in use.');
  if (e.status && e.status >= 400 && e.status < 500) return badRequest(e.message ?? 'Failed to attach interface');
  return err as Error;
}
