import type { HostFilter } from './host-state.ts';

/** Nova's ServerGroupAffinityFilter: once a member of an `affinity` group has a host, the others follow it. */
export const serverGroupAffinityFilter: HostFilter = {
  name: 'ServerGroupAffinityFilter',
  passes(host, req) {
    if (req.spec.group?.policy !== 'affinity') return true;
    return req.groupHosts.size === 0 || req.groupHosts.has(host.host);
  },
};

/**
 * Nova's ServerGroupAntiAffinityFilter: members of an `anti-affinity` group on distinct hosts, or at most
 * `max_server_per_host` of them per host (2.64 rules).
 */
export const serverGroupAntiAffinityFilter: HostFilter = {
  name: 'ServerGroupAntiAffinityFilter',
  passes(host, req) {
    if (req.spec.group?.policy !== 'anti-affinity') return true;
    const max = Number(req.spec.group.rules?.max_server_per_host ?? 1) || 1;
    return host.groupMembers < max;
  },
};
