import type { HostFilter } from './host-state.ts';

/**
 * Nova's AvailabilityZoneFilter: a server asked into a zone lands on a host of that zone (the zone of its
 * aggregates, else the default zone); a server with no zone lands anywhere.
 */
export const availabilityZoneFilter: HostFilter = {
  name: 'AvailabilityZoneFilter',
  passes(host, req) {
    const wanted = req.spec.availability_zone;
    return !wanted || host.availabilityZone === wanted;
  },
};
