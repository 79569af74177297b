import type { Config } from '../../core/config.ts';
import type { Dataplane } from './dataplane.ts';
import { createNoopDataplane } from './noop/index.ts';

/**
 * The dataplane `network.dataplane` names; `drivers: 'fake'` forces noop. 'auto' is linux when root with the
 * tools (the linux driver's own check), noop otherwise.
 */
export function createDataplane(config: Config): Dataplane {
  const name = config.drivers === 'fake' ? 'noop' : config.network.dataplane;
  switch (name) {
    case 'auto':
    case 'noop':
      return createNoopDataplane();
    default:
      throw new Error(`unknown network.dataplane '${String(config.network.dataplane)}' (known: noop)`);
  }
}
