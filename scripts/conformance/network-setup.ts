import { ensurePublicNetwork } from '../../src/cli/public-network.ts';
import { ADMIN_SCOPE, passwordAuth, readAnswer } from '../identity-client.ts';

/**
 * What DevStack leaves for Tempest's network tests: an external network `public` with a subnet floating IPs
 * come from, and the list of extensions the cloud offers (Tempest skips tests of the others). Returns the
 * tempest.conf sections that describe them.
 */
export async function prepareNetwork(
  authUrl: string,
  password: string,
): Promise<Record<string, Record<string, string>>> {
  const login = await fetch(`${authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(passwordAuth('admin', password, ADMIN_SCOPE)),
  });
  if (login.status !== 201) throw new Error(`admin login failed: ${login.status}`);
  const token = login.headers.get('x-subject-token')!;
  const catalog = (
    (await readAnswer(login)).body as {
      token: { catalog: { type: string; endpoints: { interface: string; url: string }[] }[] };
    }
  ).token.catalog;
  const base = catalog.find((s) => s.type === 'network')?.endpoints.find((e) => e.interface === 'public')?.url;
  if (!base) throw new Error('no network endpoint in the catalog');
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/v2.0${path}`, {
      method,
      headers: { 'x-auth-token': token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = await readAnswer(res);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(answer.body)}`);
    // biome-ignore lint/suspicious/noExplicitAny: Neutron answers read field by field below.
    return answer.body as Record<string, any>;
  };
  const publicNet = await ensurePublicNetwork(base, token);
  const extensions = (await call('GET', '/extensions')).extensions as { alias: string }[];
  return {
    network: {
      project_networks_reachable: 'false',
      public_network_id: publicNet.id,
      floating_network_name: publicNet.name,
      project_network_cidr: '10.100.0.0/16',
      project_network_mask_bits: '28',
      project_network_v6_cidr: '2001:db8::/48',
      project_network_v6_mask_bits: '64',
      shared_physical_network: 'false',
    },
    'network-feature-enabled': {
      api_extensions: extensions.map((e) => e.alias).join(','),
      ipv6: 'true',
      ipv6_subnet_attributes: 'true',
      port_security: String(extensions.some((e) => e.alias === 'port-security')),
      floating_ips: 'true',
    },
  };
}
