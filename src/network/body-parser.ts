import { parseJsonOrNothing } from '../core/http/json-body.ts';
import type { ServiceApp } from '../core/http/service.ts';

/**
 * Neutron reads every request body as JSON whatever its Content-Type says, and neutron-tempest-plugin's client
 * sends PUT bodies with no Content-Type at all. Fastify would answer those 415; this catch-all parser (scoped to
 * the Networking plugin) reads them as JSON instead. An empty body counts as none.
 */
export function acceptJsonWithoutContentType(app: ServiceApp): void {
  app.addContentTypeParser('*', { parseAs: 'string' }, parseJsonOrNothing);
}
