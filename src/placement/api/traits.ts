import { type Static, Type } from '@sinclair/typebox';
import type { ServiceApp } from '../../core/http/service.ts';
import { Generation, validateBody } from '../body.ts';
import { type PlacementDeps, PREFIX } from '../deps.ts';
import { badRequest, notFound } from '../errors.ts';
import { requireVersion } from '../microversion.ts';
import { assertQueryKeys, type Query, single } from '../query-params.ts';
import { STANDARD_TRAITS } from '../standard-names.ts';
import { getProvider } from '../store/providers.ts';
import {
  assertCustomTrait,
  clearProviderTraits,
  createTrait,
  customTraits,
  deleteTrait,
  setProviderTraits,
  traitsOf,
  unknownTraits,
} from '../store/traits.ts';

interface NameParams {
  name: string;
}
interface UuidParams {
  uuid: string;
}

const PutProviderTraits = Type.Object(
  {
    traits: Type.Array(Type.String({ pattern: '^[A-Z0-9_]+$', maxLength: 255 })),
    resource_provider_generation: Generation(),
  },
  { additionalProperties: false },
);

/** /traits (1.6): standard traits plus CUSTOM_* ones; /resource_providers/{uuid}/traits with its generation. */
export function traitRoutes(app: ServiceApp, deps: PlacementDeps): void {
  app.get('/traits', async (req) => {
    requireVersion(req, '1.6');
    req.ctx.enforce('placement:traits:list');
    const query = req.query as Query;
    assertQueryKeys(query, ['name', 'associated']);
    let names = [...STANDARD_TRAITS, ...(await customTraits(deps.db))];
    const name = single(query, 'name');
    if (name !== undefined) {
      if (name.startsWith('in:')) {
        const wanted = new Set(name.slice(3).split(','));
        names = names.filter((n) => wanted.has(n));
      } else if (name.startsWith('startswith:')) {
        const prefix = name.slice('startswith:'.length);
        names = names.filter((n) => n.startsWith(prefix));
      } else if (!name.includes(':'))
        throw badRequest(
          `Badly formatted name parameter. Expected name query string parameter in form: ?name=[in|startswith]:[name1,name2|prefix]. Got: "${name}"`,
        );
    }
    const associated = single(query, 'associated');
    if (associated !== undefined) {
      if (!['true', 'false'].includes(associated.toLowerCase()))
        throw badRequest(`The query parameter "associated" only accepts "true" or "false"`);
      const used = new Set(
        (await deps.db.selectFrom('placement_rp_traits').select('trait').distinct().execute()).map((r) => r.trait),
      );
      const want = associated.toLowerCase() === 'true';
      names = names.filter((n) => used.has(n) === want);
    }
    return { traits: names.sort() };
  });

  app.get<{ Params: NameParams }>('/traits/:name', async (req, reply) => {
    requireVersion(req, '1.6');
    req.ctx.enforce('placement:traits:show');
    if ((await unknownTraits(deps.db, [req.params.name])).length)
      throw notFound(`No such trait(s): ${req.params.name}`);
    return reply.code(204).send();
  });

  app.put<{ Params: NameParams }>('/traits/:name', async (req, reply) => {
    requireVersion(req, '1.6');
    req.ctx.enforce('placement:traits:update');
    const { name } = req.params;
    // A standard trait fails Placement's CUSTOM_ pattern like any other name: 400, not 204.
    assertCustomTrait(name);
    const created = await createTrait(deps.db, name);
    reply.header('location', `${PREFIX}/traits/${name}`);
    return reply.code(created ? 201 : 204).send();
  });

  app.delete<{ Params: NameParams }>('/traits/:name', async (req, reply) => {
    requireVersion(req, '1.6');
    req.ctx.enforce('placement:traits:delete');
    await deleteTrait(deps.db, req.params.name);
    return reply.code(204).send();
  });

  const providerTraits = async (uuid: string) => {
    const rp = await getProvider(deps.db, uuid);
    return { traits: await traitsOf(deps.db, uuid), resource_provider_generation: rp.generation };
  };

  app.get<{ Params: UuidParams }>('/resource_providers/:uuid/traits', async (req) => {
    requireVersion(req, '1.6');
    req.ctx.enforce('placement:resource_providers:traits:list');
    return providerTraits(req.params.uuid);
  });

  app.put<{ Params: UuidParams }>('/resource_providers/:uuid/traits', async (req) => {
    requireVersion(req, '1.6');
    req.ctx.enforce('placement:resource_providers:traits:update');
    const body = validateBody<Static<typeof PutProviderTraits>>(PutProviderTraits, req.body);
    await setProviderTraits(deps.db, req.params.uuid, body.resource_provider_generation, body.traits);
    return providerTraits(req.params.uuid);
  });

  app.delete<{ Params: UuidParams }>('/resource_providers/:uuid/traits', async (req, reply) => {
    requireVersion(req, '1.6');
    req.ctx.enforce('placement:resource_providers:traits:delete');
    await clearProviderTraits(deps.db, req.params.uuid);
    return reply.code(204).send();
  });
}
