import type { HypervisorDriver } from '../drivers/hypervisor.ts';
import type { StateReport } from './rpc.ts';

/**
 * One heartbeat of a compute host: the server upserts the `nova-compute` service and the compute node from it,
 * and reports the inventory and traits to Placement.
 */
export async function stateReport(
  host: string,
  node: string,
  driver: HypervisorDriver,
  startFlag: boolean,
): Promise<StateReport> {
  return {
    host,
    node,
    resources: await driver.resources(),
    traits: driver.capabilities(),
    driver: driver.name,
    ...(startFlag && { start_flag: true }),
  };
}
