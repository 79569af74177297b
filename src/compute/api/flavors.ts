import { type Static, Type } from '@sinclair/typebox';
import type { ServiceApp } from '../../core/http/service.ts';
import { checkName, IntOrString, intOf, NovaBoolean, queryBool, toBool } from '../api-types.ts';
import type { ComputeDeps } from '../deps.ts';
import { badRequest, notFound } from '../errors.ts';
import {
  createFlavor,
  deleteFlavor,
  extraSpecsOf,
  findFlavor,
  listFlavors,
  updateFlavorDescription,
} from '../flavor-store.ts';
import { flavorDetail, flavorSummary } from '../flavor-view.ts';
import { nextLinks, pageAfter, parseLimit, queryValue } from '../list-paging.ts';
import { callerOf } from '../request-caller.ts';
import { enforceNova } from '../server-access.ts';
import type { FlavorRow } from '../tables.ts';

const Description = Type.Union([Type.String({ maxLength: 65535 }), Type.Null()]);

const FlavorCreate = Type.Object(
  {
    flavor: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 255 }),
        id: Type.Optional(
          Type.Union([
            Type.String({ minLength: 1, maxLength: 255, pattern: '^(?! )[a-zA-Z0-9. _-]+(?<! )$' }),
            Type.Integer({ minimum: 0 }),
            Type.Null(),
          ]),
        ),
        ram: IntOrString({ minimum: 1 }),
        vcpus: IntOrString({ minimum: 1 }),
        disk: IntOrString({ minimum: 0 }),
        'OS-FLV-EXT-DATA:ephemeral': Type.Optional(IntOrString({ minimum: 0 })),
        swap: Type.Optional(IntOrString({ minimum: 0 })),
        rxtx_factor: Type.Optional(
          Type.Union([
            Type.Number({ exclusiveMinimum: 0, maximum: 3.40282e38 }),
            Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?$' }),
          ]),
        ),
        'os-flavor-access:is_public': Type.Optional(NovaBoolean),
        description: Type.Optional(Description),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
type FlavorCreate = Static<typeof FlavorCreate>;

const FlavorUpdate = Type.Object(
  { flavor: Type.Object({ description: Description }, { additionalProperties: false }) },
  { additionalProperties: false },
);
type FlavorUpdate = Static<typeof FlavorUpdate>;

type IdParams = { flavor_id: string };

/**
 * /flavors: list (summary and detail) with Nova's filters, sorting and marker paging; show; and the admin's
 * os-flavor-manage create, update (2.55 description) and delete.
 */
export function flavorRoutes(app: ServiceApp, deps: ComputeDeps): void {
  const withSpecs = async (req: Parameters<typeof callerOf>[0], rows: FlavorRow[]) => {
    // 2.61: extra specs are part of the flavor for those the extra-specs index rule lets read them.
    if (!req.microversion.atLeast('2.61')) return undefined;
    const target = { project_id: req.ctx.requireAuth().projectId };
    if (!req.ctx.allowed('os_compute_api:os-flavor-extra-specs:index', target)) return undefined;
    return extraSpecsOf(
      deps.db,
      rows.map((r) => r.internal_id),
    );
  };

  const list = (detail: boolean) => async (req: Parameters<typeof callerOf>[0]) => {
    const caller = callerOf(req);
    const query = req.query as Record<string, unknown>;
    const isPublicParam = queryValue(query.is_public);
    let isPublic: boolean | null = true;
    // Only admins choose which flavor types they list; everyone else sees public and shared ones.
    if (caller.isAdmin && isPublicParam !== undefined) {
      if (isPublicParam.toLowerCase() === 'none') isPublic = null;
      else {
        const parsed = queryBool(isPublicParam);
        if (parsed === undefined) throw badRequest(`Invalid is_public filter [${isPublicParam}]`);
        isPublic = parsed;
      }
    }
    const numeric = (name: string) => {
      const v = queryValue(query[name]);
      if (v === undefined) return undefined;
      if (!/^-?\d+$/.test(v.trim())) throw badRequest(`Invalid ${name} filter [${v}]`);
      return Number(v);
    };
    const limit = parseLimit(query.limit);
    const rows = await listFlavors(deps.db, caller, {
      isPublic,
      minRam: numeric('minRam'),
      minDisk: numeric('minDisk'),
      sortKey: queryValue(query.sort_key) || 'flavorid',
      sortDir: queryValue(query.sort_dir) || 'asc',
    });
    const page = pageAfter(rows, (r) => r.id, queryValue(query.marker), limit);
    const specs = detail ? await withSpecs(req, page) : undefined;
    const flavors = page.map((r) =>
      detail
        ? flavorDetail(r, req.microversion, deps.url, specs?.get(r.internal_id))
        : flavorSummary(r, req.microversion, deps.url),
    );
    const links = nextLinks(deps.url, detail ? '/flavors/detail' : '/flavors', query, page, limit, page.at(-1)?.id);
    return links ? { flavors, flavors_links: links } : { flavors };
  };

  app.get('/v2.1/flavors', list(false));
  app.get('/v2.1/flavors/detail', list(true));

  app.get<{ Params: IdParams }>('/v2.1/flavors/:flavor_id', async (req) => {
    const row = await findFlavor(deps.db, req.params.flavor_id, callerOf(req));
    const specs = await withSpecs(req, [row]);
    return { flavor: flavorDetail(row, req.microversion, deps.url, specs?.get(row.internal_id)) };
  });

  app.post<{ Body: FlavorCreate }>('/v2.1/flavors', { schema: { body: FlavorCreate } }, async (req) => {
    enforceNova(req, 'os_compute_api:os-flavor-manage:create', {});
    const f = req.body.flavor;
    if (f.description !== undefined && !req.microversion.atLeast('2.55'))
      throw badRequest(
        "Invalid input for field/attribute flavor. Additional properties are not allowed ('description' was unexpected)",
      );
    checkName('name', f.name);
    const row = await createFlavor(deps.db, {
      id: f.id === undefined || f.id === null ? null : String(f.id),
      name: f.name,
      memory_mb: intOf('ram', f.ram as number | string, 1),
      vcpus: intOf('vcpus', f.vcpus as number | string, 1),
      root_gb: intOf('disk', f.disk as number | string, 0),
      ephemeral_gb: intOf('OS-FLV-EXT-DATA:ephemeral', (f['OS-FLV-EXT-DATA:ephemeral'] ?? 0) as number | string, 0),
      swap: intOf('swap', (f.swap ?? 0) as number | string, 0),
      rxtx_factor: rxtx(f.rxtx_factor),
      is_public: f['os-flavor-access:is_public'] === undefined ? true : toBool(f['os-flavor-access:is_public']),
      description: f.description ?? null,
    });
    const specs = await withSpecs(req, [row]);
    return { flavor: flavorDetail(row, req.microversion, deps.url, specs?.get(row.internal_id)) };
  });

  app.put<{ Params: IdParams; Body: FlavorUpdate }>(
    '/v2.1/flavors/:flavor_id',
    { schema: { body: FlavorUpdate } },
    async (req) => {
      // Before 2.55 flavors could not be updated: Nova answers as for an unknown route (VersionNotFound).
      if (!req.microversion.atLeast('2.55')) throw notFound('The resource could not be found.');
      enforceNova(req, 'os_compute_api:os-flavor-manage:update', {});
      const row = await findFlavor(deps.db, req.params.flavor_id);
      const updated = await updateFlavorDescription(deps.db, row, req.body.flavor.description);
      const specs = await withSpecs(req, [updated]);
      return { flavor: flavorDetail(updated, req.microversion, deps.url, specs?.get(row.internal_id)) };
    },
  );

  app.delete<{ Params: IdParams }>('/v2.1/flavors/:flavor_id', async (req, reply) => {
    enforceNova(req, 'os_compute_api:os-flavor-manage:delete', {});
    const row = await findFlavor(deps.db, req.params.flavor_id);
    await deleteFlavor(deps.db, row);
    return reply.code(202).send();
  });
}

function rxtx(v: number | string | undefined): number {
  if (v === undefined) return 1;
  const n = Number(v);
  if (!(n > 0) || n > 3.40282e38)
    throw badRequest(
      `Invalid input for field/attribute rxtx_factor. Value: ${v}. ${v} is less than or equal to the minimum of 0`,
    );
  return n;
}
