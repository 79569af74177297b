import type { HostFilter } from './host-state.ts';

/** A forced host or node (`az:host:node`, 2.74 `host`/`hypervisor_hostname`, migrate/unshelve to a host). */
export const requestedHostFilter: HostFilter = {
  name: 'RequestedHostFilter',
  passes(host, req) {
    if (req.spec.requested_host && host.host !== req.spec.requested_host) return false;
    if (req.spec.requested_node && host.node !== req.spec.requested_node) return false;
    return true;
  },
};

/** Hosts this instance already failed on (reschedules) or must leave (cold migration). */
export const ignoreHostsFilter: HostFilter = {
  name: 'IgnoreHostsFilter',
  passes: (host, req) => !req.spec.ignore_hosts.includes(host.host),
};
