import type { FastifyRequest } from 'fastify';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { forbidden, notFound } from '../errors.ts';
import { enforceRule, expect, type NeutronCall, neutronAsCaller, novaError } from '../neutron-proxy.ts';
import { proxyGone } from './images-proxy.ts';

type IdParams = { id: string };

export interface NeutronFloatingIpFull {
  id: string;
  floating_ip_address: string;
  floating_network_id: string;
  fixed_ip_address: string | null;
  port_id: string | null;
  project_id?: string;
}

/**
 * os-floating-ips and os-floating-ip-pools (≤ 2.35): Neutron floating IPs as Nova shows them (`ip`, `pool`
 * = the external network's name, `fixed_ip`, `instance_id` = the server of the port), pools = external networks.
 */
export function floatingIpsProxyRoutes(app: ServiceApp, deps: ComputeDeps): void {
  const begin = (req: FastifyRequest, rule: string) => {
    if (!req.microversion.atMost('2.35')) throw proxyGone();
    enforceRule(req, rule, { project_id: req.ctx.requireAuth().projectId });
    return neutronAsCaller(deps, req);
  };
  const notFoundMsg = (id: string) => `Floating IP not found for ID ${id}`;

  app.get('/v2.1/os-floating-ips', async (req) => {
    const neutron = begin(req, 'os_compute_api:os-floating-ips:list');
    const projectId = req.ctx.requireAuth().projectId ?? '';
    const res = expect(await neutron('GET', `/v2.0/floatingips?project_id=${projectId}`), [200], 'Not found');
    return { floating_ips: await floatingIpViews(neutron, res.body.floatingips) };
  });

  app.get<{ Params: IdParams }>('/v2.1/os-floating-ips/:id', async (req) => {
    const neutron = begin(req, 'os_compute_api:os-floating-ips:show');
    const res = expect(
      await neutron('GET', `/v2.0/floatingips/${encodeURIComponent(req.params.id)}`),
      [200],
      notFoundMsg(req.params.id),
    );
    const [view] = await floatingIpViews(neutron, [res.body.floatingip]);
    return { floating_ip: view };
  });

  app.post('/v2.1/os-floating-ips', async (req) => {
    const neutron = begin(req, 'os_compute_api:os-floating-ips:create');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const pool = typeof body.pool === 'string' && body.pool ? body.pool : undefined;
    const network = await poolNetwork(neutron, pool);
    const res = await neutron('POST', '/v2.0/floatingips', { floatingip: { floating_network_id: network.id } });
    if (res.status !== 201) {
      const type = res.body?.NeutronError?.type;
      if (type === 'OverQuota') throw forbidden(`IP allocation over quota in pool ${network.name}.`);
      if (res.status === 409 || type === 'IpAddressGenerationFailure')
        throw notFound(`No more floating IPs in pool ${network.name}.`);
      throw novaError(res, `Floating IP pool not found.`);
    }
    const [view] = await floatingIpViews(neutron, [res.body.floatingip]);
    return { floating_ip: view };
  });

  app.delete<{ Params: IdParams }>('/v2.1/os-floating-ips/:id', async (req, reply) => {
    const neutron = begin(req, 'os_compute_api:os-floating-ips:delete');
    expect(
      await neutron('DELETE', `/v2.0/floatingips/${encodeURIComponent(req.params.id)}`),
      [204],
      notFoundMsg(req.params.id),
    );
    return reply.code(202).send();
  });

  app.get('/v2.1/os-floating-ip-pools', async (req) => {
    const neutron = begin(req, 'os_compute_api:os-floating-ip-pools:list');
    const res = expect(await neutron('GET', '/v2.0/networks?router:external=True'), [200], 'Not found');
    return { floating_ip_pools: (res.body.networks as { name: string }[]).map((n) => ({ name: n.name })) };
  });
}

/** The external network a pool names (by name, then id); Nova's 404 `Floating IP pool not found.`. */
async function poolNetwork(neutron: NeutronCall, pool: string | undefined): Promise<{ id: string; name: string }> {
  const res = expect(await neutron('GET', '/v2.0/networks?router:external=True'), [200], 'Not found');
  const nets = res.body.networks as { id: string; name: string }[];
  const found = pool
    ? (nets.find((n) => n.name === pool) ?? nets.find((n) => n.id === pool))
    : nets.length === 1
      ? nets[0]
      : nets.find((n) => n.name === 'nova' || n.name === 'public');
  if (!found) throw notFound('Floating IP pool not found.');
  return found;
}

/** Nova's floating IP views: pool names and the servers behind the ports looked up once for all. */
export async function floatingIpViews(
  neutron: NeutronCall,
  fips: NeutronFloatingIpFull[],
): Promise<Record<string, unknown>[]> {
  if (fips.length === 0) return [];
  const netIds = [...new Set(fips.map((f) => f.floating_network_id))];
  const portIds = [...new Set(fips.map((f) => f.port_id).filter((p): p is string => Boolean(p)))];
  const [nets, ports] = await Promise.all([
    neutron('GET', `/v2.0/networks?${netIds.map((id) => `id=${id}`).join('&')}&fields=id&fields=name`),
    portIds.length
      ? neutron('GET', `/v2.0/ports?${portIds.map((id) => `id=${id}`).join('&')}&fields=id&fields=device_id`)
      : Promise.resolve(undefined),
  ]);
  const netName = new Map<string, string>(
    (nets.body?.networks ?? []).map((n: { id: string; name: string }) => [n.id, n.name]),
  );
  const device = new Map<string, string>(
    (ports?.body?.ports ?? []).map((p: { id: string; device_id: string }) => [p.id, p.device_id]),
  );
  return fips.map((f) => ({
    id: f.id,
    ip: f.floating_ip_address,
    pool: netName.get(f.floating_network_id) ?? null,
    fixed_ip: f.fixed_ip_address,
    instance_id: (f.port_id && device.get(f.port_id)) || null,
  }));
}
