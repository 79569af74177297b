import { openConsole } from './api/remote-consoles.ts';
import { badRequest } from './errors.ts';
import type { ActionSpec } from './server-action-context.ts';

/** The ≤ 2.5 console actions: `{"os-getVNCConsole": {"type": "novnc"}}` → `{"console": {"type", "url"}}`. */
const legacy = (protocol: string, types: string[]): ActionSpec => ({
  policy: 'os_compute_api:os-remote-consoles',
  handle: async ({ deps, row, body }) => {
    const type = (body as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !types.includes(type))
      throw badRequest(`Invalid input for field/attribute type. Value: ${String(type)}.`);
    const opened = await openConsole(deps, row.uuid, protocol, type);
    return { console: { type, url: opened.url } };
  },
});

/** For POST /servers/{id}/action (server-actions.ts spreads these into its table). */
export const consoleActions: Record<string, ActionSpec> = {
  'os-getVNCConsole': legacy('vnc', ['novnc', 'xvpvnc']),
  'os-getSPICEConsole': legacy('spice', ['spice-html5']),
  'os-getRDPConsole': legacy('rdp', ['rdp-html5']),
  'os-getSerialConsole': legacy('serial', ['serial']),
};
