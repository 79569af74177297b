import type { Config } from '../../core/config.ts';
import { createFakeDriver } from './fake/index.ts';
import type { HypervisorDriver } from './hypervisor.ts';

/**
 * The hypervisor driver `compute.driver` names, for one host. `drivers: 'fake'` forces the fake whatever
 * `compute.driver` says (tests, scale runs).
 */
export function createHypervisor(config: Config, host: string): HypervisorDriver {
  const name = config.drivers === 'fake' ? 'fake' : String(config.compute.driver);
  switch (name) {
    case 'auto':
    case 'fake':
      return createFakeDriver({
        dataDir: config.dataDir,
        host,
        delayMs: config.compute.fakeDelayMs,
        resources: config.compute.fakeResources,
      });
    // Issue 6 adds 'qemu' here (and 'auto': qemu when qemu-system-x86_64 is installed, fake otherwise).
    default:
      throw new Error(`unknown compute.driver '${name}' (known: fake)`);
  }
}
