import type { FastifyRequest } from 'fastify';
import { ApiError } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { enforceRule, expect, type NeutronCall, neutronAsCaller } from '../neutron-proxy.ts';
import { proxyGone } from './images-proxy.ts';

type IdParams = { id: string };

interface NeutronNet {
  id: string;
  name: string;
  subnets: string[];
  mtu?: number;
  project_id?: string;
  created_at?: string;
  updated_at?: string;
}

/** Nova answers the nova-network era writes (create, delete, associate) with 410 since nova-network left. */
const gone = () => new ApiError(410, 'computeFault', 'Gone');

/** The fields of Nova's os-networks view (nova-network's), null where Neutron has nothing like them. */
const NETWORK_FIELDS = ['netmask', 'gateway', 'broadcast', 'dns1', 'dns2', 'cidr_v6', 'gateway_v6', 'netmask_v6'];
const ADMIN_FIELDS = [
  'deleted_at',
  'deleted',
  'injected',
  'bridge',
  'vlan',
  'vpn_public_address',
  'vpn_public_port',
  'vpn_private_address',
  'dhcp_start',
  'host',
  'bridge_interface',
  'multi_host',
  'priority',
  'rxtx_base',
  'dhcp_server',
  'enable_dhcp',
  'share_address',
];

/**
 * os-tenant-networks and os-networks (≤ 2.35): read-only views of the Neutron networks the caller sees
 * (`{id, label, cidr}`; os-networks adds nova-network's fields as null). Writes are 410 Gone, as in Nova.
 */
export function networksProxyRoutes(app: ServiceApp, deps: ComputeDeps): void {
  const begin = (req: FastifyRequest, rule: string) => {
    if (!req.microversion.atMost('2.35')) throw proxyGone();
    enforceRule(req, rule, { project_id: req.ctx.requireAuth().projectId });
    return neutronAsCaller(deps, req);
  };

  const listed = async (neutron: NeutronCall) =>
    expect(await neutron('GET', '/v2.0/networks'), [200], 'Network not found').body.networks as NeutronNet[];
  const shown = async (neutron: NeutronCall, id: string) =>
    expect(await neutron('GET', `/v2.0/networks/${encodeURIComponent(id)}`), [200], 'Network not found').body
      .network as NeutronNet;

  app.get('/v2.1/os-tenant-networks', async (req) => {
    const neutron = begin(req, 'os_compute_api:os-tenant-networks:list');
    const nets = await listed(neutron);
    const cidrs = await cidrsOf(neutron, nets);
    return { networks: nets.map((n) => tenantView(n, cidrs)) };
  });

  app.get<{ Params: IdParams }>('/v2.1/os-tenant-networks/:id', async (req) => {
    const neutron = begin(req, 'os_compute_api:os-tenant-networks:show');
    const net = await shown(neutron, req.params.id);
    return { network: tenantView(net, await cidrsOf(neutron, [net])) };
  });

  app.get('/v2.1/os-networks', async (req) => {
    const neutron = begin(req, 'os_compute_api:os-networks:list');
    const nets = await listed(neutron);
    const cidrs = await cidrsOf(neutron, nets);
    const admin = req.ctx.allowed('context_is_admin');
    return { networks: nets.map((n) => networkView(n, cidrs, admin)) };
  });

  app.get<{ Params: IdParams }>('/v2.1/os-networks/:id', async (req) => {
    const neutron = begin(req, 'os_compute_api:os-networks:show');
    const net = await shown(neutron, req.params.id);
    return { network: networkView(net, await cidrsOf(neutron, [net]), req.ctx.allowed('context_is_admin')) };
  });

  const goneAfterGate = async (req: FastifyRequest) => {
    if (!req.microversion.atMost('2.35')) throw proxyGone();
    throw gone();
  };
  app.post('/v2.1/os-tenant-networks', goneAfterGate);
  app.delete('/v2.1/os-tenant-networks/:id', goneAfterGate);
  app.post('/v2.1/os-networks', goneAfterGate);
  app.post('/v2.1/os-networks/add', goneAfterGate);
  app.post('/v2.1/os-networks/:id/action', goneAfterGate);
  app.delete('/v2.1/os-networks/:id', goneAfterGate);

  // nova-network's other APIs: 410 Gone at every version, as Nova answers since it removed them.
  const alwaysGone = async () => {
    throw gone();
  };
  for (const base of ['/v2.1/os-fixed-ips', '/v2.1/os-floating-ips-bulk', '/v2.1/os-floating-ip-dns'])
    for (const path of [base, `${base}/*`]) app.all(path, alwaysGone);
  for (const path of ['/v2.1/os-security-group-default-rules', '/v2.1/os-security-group-default-rules/*'])
    app.all(path, alwaysGone);
}

/** The first IPv4 subnet's CIDR of each network (else the first one's), by network id. */
async function cidrsOf(neutron: NeutronCall, nets: NeutronNet[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (nets.length === 0) return out;
  const res = await neutron('GET', '/v2.0/subnets?fields=id&fields=network_id&fields=cidr&fields=ip_version');
  const subnets = (res.status === 200 ? res.body.subnets : []) as {
    network_id: string;
    cidr: string;
    ip_version: number;
  }[];
  for (const s of subnets.filter((x) => x.ip_version === 4)) if (!out.has(s.network_id)) out.set(s.network_id, s.cidr);
  for (const s of subnets) if (!out.has(s.network_id)) out.set(s.network_id, s.cidr);
  return out;
}

const tenantView = (n: NeutronNet, cidrs: Map<string, string>) => ({
  id: n.id,
  label: n.name,
  cidr: cidrs.get(n.id) ?? null,
});

function networkView(n: NeutronNet, cidrs: Map<string, string>, admin: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = { id: n.id, label: n.name, cidr: cidrs.get(n.id) ?? null };
  for (const f of NETWORK_FIELDS) view[f] = null;
  if (admin) {
    for (const f of ADMIN_FIELDS) view[f] = null;
    Object.assign(view, {
      created_at: n.created_at ?? null,
      updated_at: n.updated_at ?? null,
      project_id: n.project_id ?? null,
      mtu: n.mtu ?? null,
    });
  }
  return view;
}
