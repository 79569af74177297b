import { type Static, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { badRequest, notFound } from '../errors.ts';
import { infoCacheOf } from '../info-cache.ts';
import { enforceRule } from '../neutron-proxy.ts';

/** Event names by the microversion that introduced them. */
const EVENT_SINCE: Record<string, string> = {
  'network-changed': '2.1',
  'network-vif-plugged': '2.1',
  'network-vif-unplugged': '2.1',
  'network-vif-deleted': '2.1',
  'volume-extended': '2.51',
  'power-update': '2.76',
  'accelerator-request-bound': '2.82',
  'volume-reimaged': '2.93',
};
/** The events that say the server's ports changed: its network info is read again. */
const NETWORK_EVENTS = new Set([
  'network-changed',
  'network-vif-plugged',
  'network-vif-unplugged',
  'network-vif-deleted',
]);

const EventsBody = Type.Object(
  {
    events: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          server_uuid: Type.String({ format: 'uuid' }),
          status: Type.Optional(
            Type.Union([Type.Literal('failed'), Type.Literal('completed'), Type.Literal('in-progress')]),
          ),
          tag: Type.Optional(Type.String({ maxLength: 255 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);
type EventsBody = Static<typeof EventsBody>;

/**
 * POST /os-server-external-events (admin; what Neutron and Cinder send): per event 200 when the server exists
 * and has a host, 422 while it has none, 404 when it does not exist; the answer is 200 when every event was
 * accepted, 207 when some were, 404 when none. Network events refresh the server's network info.
 */
export function externalEventsRoutes(app: ServiceApp, deps: ComputeDeps): void {
  app.post<{ Body: EventsBody }>(
    '/v2.1/os-server-external-events',
    { schema: { body: EventsBody } },
    async (req: FastifyRequest<{ Body: EventsBody }>, reply) => {
      enforceRule(req, 'os_compute_api:os-server-external-events:create', {});
      for (const e of req.body.events) {
        const since = EVENT_SINCE[e.name];
        if (!since || !req.microversion.atLeast(since))
          throw badRequest(
            `Invalid input for field/attribute name. Value: ${e.name}. '${e.name}' is not one of ${JSON.stringify(Object.keys(EVENT_SINCE).filter((n) => req.microversion.atLeast(EVENT_SINCE[n])))}`,
          );
      }
      const uuids = [...new Set(req.body.events.map((e) => e.server_uuid))];
      const rows = await deps.db
        .selectFrom('instances')
        .select(['uuid', 'host'])
        .where('uuid', 'in', uuids)
        .where('deleted', '=', 0)
        .execute();
      const byUuid = new Map(rows.map((r) => [r.uuid, r]));
      const refresher = infoCacheOf(deps);
      const answered = req.body.events.map((e) => {
        const row = byUuid.get(e.server_uuid);
        const code = !row ? 404 : row.host ? 200 : 422;
        if (code === 200 && NETWORK_EVENTS.has(e.name)) void refresher.schedule(e.server_uuid);
        return {
          server_uuid: e.server_uuid,
          name: e.name,
          status: code === 200 ? (e.status ?? 'completed') : 'failed',
          ...(e.tag !== undefined && { tag: e.tag }),
          code,
        };
      });
      const accepted = answered.filter((e) => e.code === 200).length;
      if (accepted === 0) throw notFound('No instances found for any event');
      return reply.code(accepted === answered.length ? 200 : 207).send({ events: answered });
    },
  );
}
