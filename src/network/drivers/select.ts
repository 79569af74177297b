import type { Config } from '../../core/config.ts';
import type { Dataplane } from './dataplane.ts';
import { createNoopDataplane } from './noop/index.ts';

/** The dataplane `network.dataplane` names. Issue 6 adds 'linux' (and 'auto': linux when root with the tools). */
export function createDataplane(config: Config): Dataplane {
  switch (config.network.dataplane) {
    case 'noop':
      return createNoopDataplane();
    default:
      throw new Error(`unknown network.dataplane '${String(config.network.dataplane)}' (known: noop)`);
  }
}
