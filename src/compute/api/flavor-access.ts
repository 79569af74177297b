import { type Static, Type } from '@sinclair/typebox';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { accessList, addAccess, findFlavor, removeAccess } from '../flavor-store.ts';
import { enforceNova } from '../server-access.ts';

const Tenant = Type.Object({ tenant: Type.String({ minLength: 1, maxLength: 255 }) }, { additionalProperties: false });
const FlavorAction = Type.Object(
  { addTenantAccess: Type.Optional(Tenant), removeTenantAccess: Type.Optional(Tenant) },
  { additionalProperties: false, minProperties: 1, maxProperties: 1 },
);
type FlavorAction = Static<typeof FlavorAction>;
type FlavorParams = { flavor_id: string };

/** os-flavor-access: which projects see a private flavor (admin only); public flavors have no list. */
export function flavorAccessRoutes(app: ServiceApp, deps: ComputeDeps): void {
  app.get<{ Params: FlavorParams }>('/v2.1/flavors/:flavor_id/os-flavor-access', async (req) => {
    enforceNova(req, 'os_compute_api:os-flavor-access', {});
    const row = await findFlavor(deps.db, req.params.flavor_id);
    if (row.is_public) throw notFound('Access list not available for public flavors.');
    return { flavor_access: await accessList(deps.db, row) };
  });

  app.post<{ Params: FlavorParams; Body: FlavorAction }>(
    '/v2.1/flavors/:flavor_id/action',
    { schema: { body: FlavorAction } },
    async (req) => {
      const { addTenantAccess, removeTenantAccess } = req.body;
      if (addTenantAccess) {
        enforceNova(req, 'os_compute_api:os-flavor-access:add_tenant_access', {});
        const row = await findFlavor(deps.db, req.params.flavor_id);
        if (row.is_public) throw conflict('Can not add access to a public flavor.');
        await addAccess(deps.db, row, addTenantAccess.tenant);
        return { flavor_access: await accessList(deps.db, row) };
      }
      if (removeTenantAccess) {
        enforceNova(req, 'os_compute_api:os-flavor-access:remove_tenant_access', {});
        const row = await findFlavor(deps.db, req.params.flavor_id);
        await removeAccess(deps.db, row, removeTenantAccess.tenant);
        return { flavor_access: await accessList(deps.db, row) };
      }
      throw badRequest('Invalid action.');
    },
  );
}
