/**
 * DevStack's external network: `public`, flat on the physical network `public`, with the subnet floating IPs
 * come from (172.24.4.0/24). `strata start` makes it on a new cloud, so routers have a gateway and Tempest a
 * public_network_id; the conformance set reuses it. Talks to Networking's API like any admin client.
 */
export async function ensurePublicNetwork(networkUrl: string, token: string): Promise<{ id: string; name: string }> {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${networkUrl}/v2.0${path}`, {
      method,
      headers: { 'x-auth-token': token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    // biome-ignore lint/suspicious/noExplicitAny: Neutron answers read field by field below.
    return JSON.parse(text) as Record<string, any>;
  };
  const existing = (await call('GET', '/networks?name=public&router:external=true')).networks;
  if (existing[0]) return existing[0];
  const { network } = await call('POST', '/networks', {
    network: {
      name: 'public',
      'router:external': true,
      'provider:network_type': 'flat',
      'provider:physical_network': 'public',
    },
  });
  await call('POST', '/subnets', {
    subnet: {
      name: 'public-subnet',
      network_id: network.id,
      ip_version: 4,
      cidr: '172.24.4.0/24',
      gateway_ip: '172.24.4.1',
      allocation_pools: [{ start: '172.24.4.10', end: '172.24.4.250' }],
      enable_dhcp: false,
    },
  });
  return network;
}
