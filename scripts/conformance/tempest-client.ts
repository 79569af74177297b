import { run } from '../../src/core/host/run.ts';
import { netExec, type RealCloud } from './real-cloud.ts';

/**
 * Where Tempest runs against a real cloud: `strata net exec`'s client namespace on the external network, with the
 * API forwarded in at its loopback URL (so the catalog works unchanged), at the public subnet's gateway address
 * 172.24.4.1 as DevStack's br-ex has it (test_network_basic_ops pings the gateway from its guests).
 */
export interface TempestClient {
  /** The command, arguments and environment that run `cmd args` inside the client namespace. */
  wrap(cmd: string, args: string[]): { cmd: string; args: string[]; env: NodeJS.ProcessEnv };
  close(): Promise<void>;
}

export function tempestClient(cloud: RealCloud): TempestClient {
  const client = { name: 'tempest', address: '172.24.4.1/24' };
  return {
    wrap(cmd, args) {
      const ne = netExec(cloud, client);
      return { cmd: ne.cmd, args: [...ne.args, cmd, ...args], env: ne.env };
    },
    async close() {
      const ne = netExec(cloud, { ...client, delete: true });
      await run(ne.cmd, ne.args, { env: ne.env, allowFail: true });
    },
  };
}
