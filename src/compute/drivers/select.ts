import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Config } from '../../core/config.ts';
import { isRoot } from '../../core/host/run.ts';
import { createFakeDriver } from './fake/index.ts';
import type { HypervisorDriver } from './hypervisor.ts';
import type { DriverLog } from './qemu/host-context.ts';
import { createQemuDriver } from './qemu/index.ts';

/** Whether `cmd` is an executable on PATH (or an executable path); synchronous so the choice is made at creation. */
function onPath(cmd: string): boolean {
  const candidates = cmd.includes('/') ? [cmd] : (process.env.PATH ?? '').split(delimiter).map((d) => join(d, cmd));
  return candidates.some((p) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Why `auto` cannot use qemu on this machine, or undefined when it can. */
export function qemuUnavailable(config: Config): string | undefined {
  if (!isRoot()) return 'not root';
  if (!onPath(config.compute.qemu.binary)) return `${config.compute.qemu.binary} not found`;
  if (!onPath('qemu-img')) return 'qemu-img not found';
  if (!onPath('ip')) return 'ip not found';
  if (config.network.dataplane === 'noop') return 'network.dataplane is noop';
  return undefined;
}

/**
 * The hypervisor driver `compute.driver` names, for one host. `drivers: 'fake'` forces the fake whatever
 * `compute.driver` says (tests, scale runs); `auto` is qemu when the machine can run it, and the banner says
 * why it is not.
 */
export function createHypervisor(config: Config, host: string, log?: DriverLog): HypervisorDriver {
  const name = config.drivers === 'fake' ? 'fake' : String(config.compute.driver);
  const fake = () =>
    createFakeDriver({
      dataDir: config.dataDir,
      host,
      delayMs: config.compute.fakeDelayMs,
      resources: config.compute.fakeResources,
    });
  const qemu = () =>
    createQemuDriver({
      dataDir: config.dataDir,
      host,
      qemu: config.compute.qemu,
      forceConfigDrive: config.compute.forceConfigDrive,
      ...(log && { log }),
    });
  switch (name) {
    case 'fake':
      return fake();
    case 'qemu':
      return qemu();
    case 'auto': {
      const why = qemuUnavailable(config);
      if (!why) return qemu();
      const driver = fake();
      return { ...driver, describe: () => `fake (auto: ${why})` };
    }
    default:
      throw new Error(`unknown compute.driver '${name}' (known: auto, fake, qemu)`);
  }
}
