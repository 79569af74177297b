import type { ApiError } from '../core/errors.ts';
import type { ServiceModule } from '../core/http/service.ts';

// STUB (task A replaces this file): Placement at /placement.
export const placement: ServiceModule = {
  name: 'placement',
  prefix: '/placement',
  catalog: { type: 'placement', name: 'placement', path: '' },
  migrations: {},
  policies: [],
  errorBody: (err: ApiError) => ({ errors: [{ status: err.status, title: err.type, detail: err.message }] }),
  async create() {
    return { routes: () => {} };
  },
};
