import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceApp } from '../core/http/service.ts';
import type { IdentityDeps } from './deps.ts';

const VERBS: Record<string, string> = { POST: 'created', PUT: 'created', PATCH: 'updated', DELETE: 'deleted' };

/**
 * Keystone's basic notifications: every successful write emits `identity.<resource>.<created|updated|deleted>`
 * with `{resource_info: <id>}` (a grant: its parts), for telemetry, search and the dashboard. The resource is named by the route
 * (`/v3/projects/:project_id` → project; a grant URL → role_assignment), so handlers need not remember to emit.
 */
export function notifyWrites(app: ServiceApp, deps: IdentityDeps): void {
  app.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const verb = VERBS[req.method];
    if (!verb || reply.statusCode >= 300 || req.url.includes('/auth/')) return payload;
    const resource = resourceOf(req.routeOptions.url ?? '');
    if (!resource) return payload;
    const params = req.params as Record<string, string>;
    const body =
      resource === 'role_assignment'
        ? assignmentOf(params, req.url)
        : { resource_info: params[`${resource}_id`] ?? idInBody(payload, resource) ?? Object.values(params).at(-1) };
    await deps.bus.notify({ event_type: `identity.${resource}.${verb}`, publisher_id: 'identity', payload: body });
    return payload;
  });
}

/** Keystone describes a grant by its parts: role, user or group, project or domain, inheritance. */
function assignmentOf(params: Record<string, string>, url: string) {
  const out: Record<string, unknown> = {
    role: params.role_id,
    inherited_to_projects: url.includes('/inherited_to_projects'),
  };
  for (const key of ['user', 'group', 'project', 'domain']) if (params[`${key}_id`]) out[key] = params[`${key}_id`];
  if (url.includes('/system/')) out.system = 'all';
  return out;
}

function resourceOf(url: string): string | undefined {
  if (/\/roles\/:role_id(\/inherited_to_projects)?$/.test(url) && /\/(users|groups)\//.test(url))
    return 'role_assignment';
  const parts = url.split('/').filter((p) => p && !p.startsWith(':') && p !== 'identity' && p !== 'v3');
  const last = parts.at(-1);
  if (!last) return undefined;
  const singular = last.replace(/ies$/, 'y').replace(/s$/, '');
  return singular.replace(/^os-/i, '').toLowerCase();
}

function idInBody(payload: unknown, resource: string): string | undefined {
  if (typeof payload !== 'string' || payload === '') return undefined;
  try {
    const body = JSON.parse(payload);
    const entity = body[resource] ?? Object.values(body)[0];
    return typeof entity?.id === 'string' ? entity.id : undefined;
  } catch {
    return undefined;
  }
}
