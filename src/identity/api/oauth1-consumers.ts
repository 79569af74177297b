import { randomBytes } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import { BadRequest } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { newId } from '../../core/ids.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import type { ConsumerRow } from '../extension-tables.ts';
import { parseObject, splitExtra } from '../rows.ts';
import {
  consumerOf,
  createConsumer,
  deleteConsumer,
  getConsumer,
  listConsumers,
  updateConsumer,
} from '../store/oauth1-consumers.ts';

/**
 * OS-OAUTH1 consumers: the registered OAuth1 clients. Only the consumer records are served; Strata does not
 * issue OAuth1 request or access tokens.
 */
const Description = Type.Union([Type.String(), Type.Null()]);
const ConsumerCreate = Type.Object({
  // Keystone treats a missing `consumer` as an empty one.
  consumer: Type.Optional(Type.Object({ description: Type.Optional(Description) }, { additionalProperties: true })),
});
type ConsumerCreate = Static<typeof ConsumerCreate>;
const ConsumerUpdate = Type.Object({
  consumer: Type.Object(
    { description: Type.Optional(Description), id: Type.Optional(Type.String()) },
    { additionalProperties: true, minProperties: 1 },
  ),
});
type ConsumerUpdate = Static<typeof ConsumerUpdate>;
const IdParam = Type.Object({ consumer_id: Type.String({ maxLength: 64 }) });
type IdParam = Static<typeof IdParam>;

const KNOWN = ['description'] as const;

export function oauth1ConsumersRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const view = (r: ConsumerRow) => ({
    ...consumerOf(r),
    links: { self: deps.url(`/OS-OAUTH1/consumers/${r.id}`) },
  });

  app.route({
    method: ['GET', 'HEAD'],
    url: '/v3/OS-OAUTH1/consumers',
    handler: async (req) => {
      req.ctx.enforce('identity:list_consumers');
      const rows = await listConsumers(deps.db);
      return { consumers: rows.map(view), links: collectionLinks(deps, '/OS-OAUTH1/consumers') };
    },
  });

  app.post<{ Body: ConsumerCreate }>(
    '/v3/OS-OAUTH1/consumers',
    { schema: { body: ConsumerCreate } },
    async (req, reply) => {
      req.ctx.enforce('identity:create_consumer');
      const [cols, extra] = splitExtra(req.body.consumer ?? {}, KNOWN);
      delete extra.secret;
      const row = await createConsumer(deps.db, {
        id: newId(),
        description: (cols.description as string | null | undefined) ?? null,
        secret: randomBytes(16).toString('hex'),
        extra: JSON.stringify(extra),
      });
      return reply.code(201).send({ consumer: { ...view(row), secret: row.secret } });
    },
  );

  app.route<{ Params: IdParam }>({
    method: ['GET', 'HEAD'],
    url: '/v3/OS-OAUTH1/consumers/:consumer_id',
    schema: { params: IdParam },
    handler: async (req) => {
      req.ctx.enforce('identity:get_consumer');
      return { consumer: view(await getConsumer(deps.db, req.params.consumer_id)) };
    },
  });

  app.patch<{ Params: IdParam; Body: ConsumerUpdate }>(
    '/v3/OS-OAUTH1/consumers/:consumer_id',
    { schema: { params: IdParam, body: ConsumerUpdate } },
    async (req) => {
      req.ctx.enforce('identity:update_consumer');
      const body = req.body.consumer;
      if ('secret' in body) throw new BadRequest("Invalid input for field 'consumer': the secret cannot be changed.");
      if (body.id !== undefined && body.id !== req.params.consumer_id) throw new BadRequest('Cannot change ID');
      const [cols, extra] = splitExtra(body, KNOWN);
      const row = await updateConsumer(deps.db, req.params.consumer_id, (current) => ({
        ...(cols.description !== undefined && { description: cols.description as string | null }),
        extra: JSON.stringify({ ...parseObject(current.extra), ...extra }),
      }));
      return { consumer: view(row) };
    },
  );

  app.delete<{ Params: IdParam }>(
    '/v3/OS-OAUTH1/consumers/:consumer_id',
    { schema: { params: IdParam } },
    async (req, reply) => {
      req.ctx.enforce('identity:delete_consumer');
      await deleteConsumer(deps.db, req.params.consumer_id);
      return reply.code(204).send();
    },
  );
}
