import { type Static, Type } from '@sinclair/typebox';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { badRequest } from '../errors.ts';
import { pick, QuotaValue, quotaResources } from '../quota-view.ts';
import { ALL_RESOURCES, defaultLimits } from '../quotas.ts';
import { enforceNova } from '../server-access.ts';

const ClassUpdate = Type.Object(
  {
    quota_class_set: Type.Object(Object.fromEntries(ALL_RESOURCES.map((r) => [r, Type.Optional(QuotaValue)])), {
      additionalProperties: false,
    }),
  },
  { additionalProperties: false },
);
type ClassUpdate = Static<typeof ClassUpdate>;
type ClassParams = { class_name: string };

/**
 * /os-quota-class-sets/{class}: only the 'default' class takes effect (it replaces the configured defaults for
 * every project without overrides); other classes are stored and shown as Nova does.
 */
export function quotaClassRoutes(app: ServiceApp, deps: ComputeDeps): void {
  const show = async (className: string) => {
    const limits = await defaultLimits(deps);
    if (className !== 'default') {
      const rows = await deps.db
        .selectFrom('compute_quota_classes')
        .selectAll()
        .where('class_name', '=', className)
        .execute();
      for (const row of rows) limits[row.resource] = row.hard_limit;
    }
    return limits;
  };

  app.get<{ Params: ClassParams }>('/v2.1/os-quota-class-sets/:class_name', async (req) => {
    enforceNova(req, 'os_compute_api:os-quota-class-sets:show', { quota_class: req.params.class_name });
    const limits = await show(req.params.class_name);
    return {
      quota_class_set: { id: req.params.class_name, ...pick(limits, quotaResources(req.microversion, 'class')) },
    };
  });

  app.put<{ Params: ClassParams; Body: ClassUpdate }>(
    '/v2.1/os-quota-class-sets/:class_name',
    { schema: { body: ClassUpdate } },
    async (req) => {
      enforceNova(req, 'os_compute_api:os-quota-class-sets:update', {});
      const name = req.params.class_name;
      if (name.length > 255) throw badRequest('quota_class_name must be at most 255 characters');
      const allowed = quotaResources(req.microversion, 'class');
      const values = Object.entries(req.body.quota_class_set as Record<string, number | string>);
      for (const [k] of values)
        if (!allowed.includes(k))
          throw badRequest(
            `Invalid input for field/attribute quota_class_set. Additional properties are not allowed ('${k}' was unexpected)`,
          );
      await deps.db.transaction().execute(async (trx) => {
        for (const [resource, v] of values) {
          await trx
            .deleteFrom('compute_quota_classes')
            .where('class_name', '=', name)
            .where('resource', '=', resource)
            .execute();
          await trx
            .insertInto('compute_quota_classes')
            .values({ class_name: name, resource, hard_limit: Number(v) })
            .execute();
        }
      });
      return { quota_class_set: pick(await show(name), allowed) };
    },
  );
}
