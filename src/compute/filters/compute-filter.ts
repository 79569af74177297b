import { serviceIsUp } from '../service-liveness.ts';
import type { HostFilter } from './host-state.ts';

/** Nova's ComputeFilter: only hosts whose compute service is enabled and up. */
export const computeFilter: HostFilter = {
  name: 'ComputeFilter',
  passes(host, req) {
    if (!host.service || host.service.disabled) return false;
    return serviceIsUp(host.service, req.serviceDownTime, req.now);
  },
};
