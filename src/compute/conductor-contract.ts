import type { ActionContext } from './agent/rpc.ts';
import type { RequestSpec } from './clients/types.ts';

/**
 * What the API hands long work to (Nova's conductor): it records the instance action, moves task_state with a
 * compare-and-set, and casts to the agent of the server's host. Implemented in conductor.ts.
 */
export interface Conductor {
  /**
   * Schedules and builds instances created by one request (already inserted in `building`/`scheduling`):
   * placement claim, ports, cast to the chosen host; ERROR with the fault `No valid host was found.` when none fits.
   */
  build(context: ActionContext, specs: RequestSpec[], extra: BuildExtra): Promise<void>;
  /**
   * Starts an action on an existing instance: records the action ('reboot', 'stop', ...), sets task_state
   * (only if it still is `expectedTaskState`; otherwise a 409), and casts `method` to its host.
   */
  act(req: ActRequest): Promise<void>;
  /** Resize / cold migrate: schedules a destination (excluding the current host unless allowed), claims, casts. */
  resize(req: ActRequest & { newFlavorId?: string; targetHost?: string }): Promise<void>;
  /** Unshelve an offloaded server: schedules again (optionally to an AZ or host, 2.91). */
  unshelve(req: ActRequest & { availabilityZone?: string | null; targetHost?: string }): Promise<void>;
  /** Live migration to `targetHost` or a scheduled one. */
  liveMigrate(req: ActRequest & { targetHost?: string; blockMigration?: boolean | 'auto' }): Promise<void>;
  /** Deletes: releases allocations and ports, casts terminate to the host (or finishes at once without one). */
  destroy(context: ActionContext, uuid: string, opts?: { force?: boolean }): Promise<void>;
  /** A call to the host's agent (console output, remote console, diagnostics); throws 409 when it is down. */
  callAgent<T>(uuid: string, method: string, args?: Record<string, unknown>): Promise<T>;
}

export interface BuildExtra {
  adminPass?: string | null;
}

export interface ActRequest {
  context: ActionContext;
  uuid: string;
  /** The instance action name Nova records ('reboot', 'stop', 'createImage', 'attach_interface', ...). */
  action: string;
  /** AgentMethod to cast. */
  method: string;
  taskState: string | null;
  expectedTaskState?: (string | null)[];
  args?: Record<string, unknown>;
}
