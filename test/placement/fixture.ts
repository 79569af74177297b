import { randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import { type CallResult, startCloud, type TestCloud } from '../helpers/cloud.ts';

/** A Placement call as the admin at microversion `version` (none: the 1.0 default). */
export type Placement = (
  method: string,
  path: string,
  opts?: { body?: unknown; version?: string; raw?: string; token?: string },
) => Promise<CallResult>;

export function placementClient(cloud: TestCloud, defaultVersion?: string): Placement {
  return (method, path, opts = {}) => {
    const version = opts.version ?? defaultVersion;
    return cloud.call(method, `/placement${path}`, {
      token: opts.token ?? cloud.adminToken,
      body: opts.body,
      raw: opts.raw,
      headers: version ? { 'openstack-api-version': `placement ${version}` } : {},
    });
  };
}

/**
 * The cloud of the enclosing describe block: started before its tests (ahead of the block's own `before`),
 * closed after them. `pl` calls its Placement as the admin at `defaultVersion`.
 */
export function placementSuite(defaultVersion?: string): { cloud: () => TestCloud; pl: Placement } {
  let started: TestCloud | undefined;
  const cloud = () => {
    if (!started) throw new Error('the cloud is started in before()');
    return started;
  };
  before(async () => {
    started = await startCloud();
  });
  after(() => started?.close());
  return { cloud, pl: (method, path, opts) => placementClient(cloud(), defaultVersion)(method, path, opts) };
}

/** A provider with the given inventory (ratio 1, nothing reserved unless given); returns its uuid. */
export async function providerWith(
  pl: Placement,
  name: string,
  inventories: Record<string, Record<string, number>>,
  traits: string[] = [],
): Promise<string> {
  const uuid = randomUUID();
  const made = await pl('POST', '/resource_providers', { body: { name, uuid }, version: '1.20' });
  if (made.status !== 200) throw new Error(`create provider: ${made.status} ${JSON.stringify(made.body)}`);
  const inv = await pl('PUT', `/resource_providers/${uuid}/inventories`, {
    body: { resource_provider_generation: 0, inventories },
  });
  if (inv.status !== 200) throw new Error(`inventories: ${inv.status} ${JSON.stringify(inv.body)}`);
  if (traits.length) {
    for (const t of traits.filter((x) => x.startsWith('CUSTOM_'))) await pl('PUT', `/traits/${t}`, { version: '1.6' });
    const tr = await pl('PUT', `/resource_providers/${uuid}/traits`, {
      version: '1.6',
      body: { traits, resource_provider_generation: inv.body.resource_provider_generation },
    });
    if (tr.status !== 200) throw new Error(`traits: ${tr.status} ${JSON.stringify(tr.body)}`);
  }
  return uuid;
}

/** PUT /allocations/{consumer} in the 1.28 dict form for a new consumer. */
export function claim(
  pl: Placement,
  consumer: string,
  allocations: Record<string, Record<string, number>>,
  generation: number | null = null,
): Promise<CallResult> {
  return pl('PUT', `/allocations/${consumer}`, {
    version: '1.28',
    body: {
      allocations: Object.fromEntries(Object.entries(allocations).map(([rp, resources]) => [rp, { resources }])),
      project_id: 'p1',
      user_id: 'u1',
      consumer_generation: generation,
    },
  });
}
