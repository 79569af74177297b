import { run } from '../../src/core/host/run.ts';
import { forwardApi } from './api-forward.ts';
import { createClientNamespace } from './client-namespace.ts';
import { adminSession, call } from './compute-setup.ts';
import type { RealCloud } from './real-cloud.ts';

/**
 * Where Tempest runs against a real cloud: a client namespace on the external network with the public subnet's
 * gateway address (172.24.4.1, as DevStack's br-ex has it: test_network_basic_ops pings it from the guests), the
 * cloud's API forwarded to the same loopback port inside, so the catalog's URLs work unchanged. An admin router
 * with a gateway on `public` keeps the external network's bridge on the host while Tempest's own routers come and go.
 */
export interface TempestClient {
  /** The command and arguments that run `cmd args` inside the client namespace. */
  wrap(cmd: string, args: string[]): [string, string[]];
  close(): Promise<void>;
}

export async function tempestClient(cloud: RealCloud): Promise<TempestClient> {
  const s = await adminSession(cloud.authUrl, cloud.password);
  const net = `${s.endpoint('network')}/v2.0`;
  const pub = ((await call(s, `${net}/networks?name=public`)).networks as { id: string }[])[0];
  if (!pub) throw new Error('the cloud has no external network public (strata start --first-run makes it)');
  const { router } = await call(s, `${net}/routers`, 'POST', {
    router: { name: 'strata-tempest-anchor', external_gateway_info: { network_id: pub.id } },
  });
  const bridge = `brq${pub.id.slice(0, 11)}`;
  const deadline = Date.now() + 60_000;
  while ((await run('ip', ['-n', cloud.hostNamespace, 'link', 'show', bridge], { allowFail: true })).code !== 0) {
    if (Date.now() > deadline)
      throw new Error(`the external network's bridge ${bridge} did not appear in ${cloud.hostNamespace} (dataplane)`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const ns = await createClientNamespace({
    name: `t${cloud.host}`.slice(0, 12),
    hostNamespace: cloud.hostNamespace,
    externalNetworkId: pub.id,
    address: '172.24.4.1/24',
  });
  const port = Number(new URL(cloud.url).port);
  const api = await forwardApi(ns.name, port).catch(async (err) => {
    await ns.remove();
    throw err;
  });
  return {
    wrap: (cmd, args) => ['ip', ['netns', 'exec', ns.name, cmd, ...args]],
    async close() {
      await api.close();
      await ns.remove();
      await call(s, `${net}/routers/${router.id}`, 'DELETE').catch(() => {});
    },
  };
}
