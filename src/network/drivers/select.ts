import type { Config } from '../../core/config.ts';
import { commandExists, isRoot } from '../../core/host/run.ts';
import type { Dataplane } from './dataplane.ts';
import { createLinuxDataplane } from './linux/index.ts';
import { createNoopDataplane } from './noop/index.ts';

/**
 * The dataplane `network.dataplane` names; `drivers: 'fake'` forces noop. 'auto' is linux when root with
 * `ip`, `nft` and `dnsmasq`, noop otherwise; the choice needs the machine, so it is made in `start()` and
 * `describe()` says which one and why.
 */
export function createDataplane(config: Config): Dataplane {
  const name = config.drivers === 'fake' ? 'noop' : config.network.dataplane;
  switch (name) {
    case 'noop':
      return createNoopDataplane();
    case 'linux':
      return createLinuxDataplane(config);
    case 'auto':
      return createAutoDataplane(config);
    default:
      throw new Error(`unknown network.dataplane '${String(config.network.dataplane)}' (known: auto, noop, linux)`);
  }
}

/** Why the linux dataplane cannot run here, or undefined when it can. */
export async function linuxUnavailable(): Promise<string | undefined> {
  if (!isRoot()) return 'not root';
  const missing = [];
  for (const cmd of ['ip', 'nft', 'dnsmasq']) if (!(await commandExists(cmd))) missing.push(cmd);
  return missing.length ? `no ${missing.join(', ')}` : undefined;
}

function createAutoDataplane(config: Config): Dataplane {
  let chosen: Dataplane = createNoopDataplane();
  let why = 'not started';
  const auto: Dataplane = {
    get name() {
      return chosen.name;
    },
    describe: () => (chosen.name === 'linux' ? chosen.describe() : `noop (auto: ${why})`),
    async start(host) {
      const unavailable = await linuxUnavailable();
      if (unavailable) why = unavailable;
      else chosen = createLinuxDataplane(config);
      await chosen.start(host);
    },
    stop: () => chosen.stop(),
    configurations: () => chosen.configurations(),
    ensureNetwork: (n) => chosen.ensureNetwork(n),
    removeNetwork: (id) => chosen.removeNetwork(id),
    plugPort: (p) => chosen.plugPort(p),
    unplugPort: (p) => chosen.unplugPort(p),
    updatePortFilter: (p) => chosen.updatePortFilter(p),
    ensureDhcp: (d) => chosen.ensureDhcp(d),
    removeDhcp: (id) => chosen.removeDhcp(id),
    ensureRouter: (r) => chosen.ensureRouter(r),
    removeRouter: (id) => chosen.removeRouter(id),
    ensureMetadataProxy: (m) => chosen.ensureMetadataProxy(m),
    removeMetadataProxy: (id) => chosen.removeMetadataProxy(id),
    sync: (d) => chosen.sync(d),
  };
  return auto;
}
