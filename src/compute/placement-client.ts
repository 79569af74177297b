import type { AllocationCandidate, PlacementClient, Resources } from './clients/types.ts';
import type { ComputeBase } from './deps.ts';

/** 1.39 is Zed's maximum: dict allocations (1.12), consumer generations (1.28), candidates' mappings (1.34). */
const PLACEMENT_VERSION = 'placement 1.39';
const TIMEOUT_MS = 15000;

/** One provider's usage as allocation candidates summarise it: what the RAM weigher spreads by. */
export type ProviderSummary = Record<string, { capacity: number; used: number }>;

/** An allocation candidate with its provider's usage (Placement's provider_summaries). */
export interface SummarisedCandidate extends AllocationCandidate {
  summary?: ProviderSummary;
  traits?: string[];
}

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: Placement's JSON, narrowed by each caller.
  body: any;
}

export class PlacementError extends Error {
  readonly status: number;
  constructor(what: string, answer: Answer) {
    super(`placement ${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
    this.status = answer.status;
  }
}

/**
 * Placement over HTTP (`<publicUrl>/placement`) with Compute's service token: the scheduler's candidates and
 * claims, resize moves, releases, and each host's inventory from its agent's reports.
 */
export function createPlacementClient(base: ComputeBase) {
  async function request(method: string, path: string, body?: unknown): Promise<Answer> {
    const a = await base.services.request(`${base.publicUrl()}/placement${path}`, {
      method,
      body,
      headers: { 'openstack-api-version': PLACEMENT_VERSION },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    return { status: a.status, body: a.body };
  }

  const ok = (a: Answer) => a.status >= 200 && a.status < 300;

  async function currentAllocations(consumer: string): Promise<{
    allocations: Record<string, { resources: Resources }>;
    generation: number | null;
    project_id?: string;
    user_id?: string;
    consumer_type?: string;
  }> {
    const a = await request('GET', `/allocations/${consumer}`);
    if (!ok(a)) throw new PlacementError(`GET /allocations/${consumer}`, a);
    return {
      allocations: a.body?.allocations ?? {},
      generation: a.body?.consumer_generation ?? null,
      project_id: a.body?.project_id,
      user_id: a.body?.user_id,
      consumer_type: a.body?.consumer_type,
    };
  }

  const client: PlacementClient & {
    candidates(req: Parameters<PlacementClient['candidates']>[0]): Promise<SummarisedCandidate[]>;
  } = {
    async candidates(req) {
      const q = new URLSearchParams();
      q.set('resources', resourcesQuery(req.resources));
      const traits = [...(req.required ?? []), ...(req.forbidden ?? []).map((t) => `!${t}`)];
      if (traits.length) q.set('required', traits.join(','));
      if (req.memberOf?.length) q.set('member_of', `in:${req.memberOf.join(',')}`);
      if (req.limit) q.set('limit', String(req.limit));
      const a = await request('GET', `/allocation_candidates?${q}`);
      if (!ok(a)) throw new PlacementError('GET /allocation_candidates', a);
      const summaries: Record<string, { resources?: ProviderSummary; traits?: string[] }> =
        a.body?.provider_summaries ?? {};
      const out: SummarisedCandidate[] = [];
      for (const ar of a.body?.allocation_requests ?? []) {
        const allocations = ar.allocations as AllocationCandidate['allocations'];
        // Hosts are single providers: the candidate's provider is the one holding its allocations.
        const provider = Object.keys(allocations)[0];
        if (!provider) continue;
        out.push({
          provider,
          allocations,
          summary: summaries[provider]?.resources,
          traits: summaries[provider]?.traits,
        });
      }
      return out;
    },

    async claim(consumer, allocations, owner) {
      const put = (generation: number | null) =>
        request('PUT', `/allocations/${consumer}`, {
          allocations,
          project_id: owner.project_id,
          user_id: owner.user_id,
          consumer_generation: generation,
          consumer_type: 'INSTANCE',
        });
      let a = await put(null);
      if (a.status === 409) {
        // The consumer may already exist (a claim left over from an earlier attempt): replace it at its generation.
        const current = await currentAllocations(consumer).catch(() => undefined);
        if (current && current.generation !== null) a = await put(current.generation);
      }
      if (ok(a)) return true;
      if (a.status === 409) return false;
      throw new PlacementError(`PUT /allocations/${consumer}`, a);
    },

    async move(from, to, owner) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const src = await currentAllocations(from);
        const dst = await currentAllocations(to);
        const project_id = src.project_id ?? owner.project_id;
        const user_id = src.user_id ?? owner.user_id;
        // 1.38 types every consumer: a resize's old allocation moves to its MIGRATION consumer and back.
        const srcType = src.consumer_type ?? 'INSTANCE';
        const dstType =
          dst.generation !== null && dst.consumer_type
            ? dst.consumer_type
            : srcType === 'INSTANCE'
              ? 'MIGRATION'
              : 'INSTANCE';
        const a = await request('POST', '/allocations', {
          [to]: {
            allocations: src.allocations,
            project_id,
            user_id,
            consumer_generation: dst.generation,
            consumer_type: dstType,
          },
          [from]: { allocations: {}, project_id, user_id, consumer_generation: src.generation, consumer_type: srcType },
        });
        if (ok(a)) return;
        if (a.status !== 409) throw new PlacementError('POST /allocations', a);
      }
      throw new Error(`placement: moving allocations of ${from} to ${to} kept conflicting`);
    },

    async release(consumer) {
      const a = await request('DELETE', `/allocations/${consumer}`);
      if (ok(a) || a.status === 404) return;
      throw new PlacementError(`DELETE /allocations/${consumer}`, a);
    },

    async reportHost(host) {
      let provider = await request('GET', `/resource_providers/${host.uuid}`);
      if (provider.status === 404) {
        const created = await request('POST', '/resource_providers', { uuid: host.uuid, name: host.name });
        if (!ok(created) && created.status !== 409) throw new PlacementError('POST /resource_providers', created);
        provider = await request('GET', `/resource_providers/${host.uuid}`);
      }
      if (!ok(provider)) throw new PlacementError(`GET /resource_providers/${host.uuid}`, provider);
      let generation: number = provider.body.generation;

      // Each PUT bumps the generation; a 409 means someone else moved it: read it again and retry.
      const putWithGeneration = async (path: string, body: Record<string, unknown>) => {
        for (let attempt = 0; attempt < 3; attempt++) {
          const a = await request('PUT', `/resource_providers/${host.uuid}${path}`, {
            ...body,
            resource_provider_generation: generation,
          });
          if (ok(a)) {
            generation = a.body?.resource_provider_generation ?? generation + 1;
            return;
          }
          if (a.status !== 409) throw new PlacementError(`PUT /resource_providers/${host.uuid}${path}`, a);
          const again = await request('GET', `/resource_providers/${host.uuid}`);
          if (!ok(again)) throw new PlacementError(`GET /resource_providers/${host.uuid}`, again);
          generation = again.body.generation;
        }
        throw new Error(`placement: ${path} of ${host.name} kept conflicting`);
      };

      const inventories = Object.fromEntries(
        Object.entries(host.inventory).map(([rc, inv]) => [
          rc,
          {
            total: inv.total,
            reserved: Math.min(inv.reserved ?? 0, inv.total),
            min_unit: 1,
            max_unit: inv.max_unit ?? inv.total,
            step_size: 1,
            allocation_ratio: inv.allocation_ratio ?? 1,
          },
        ]),
      );
      await putWithGeneration('/inventories', { inventories });
      for (const trait of host.traits.filter((t) => t.startsWith('CUSTOM_'))) await request('PUT', `/traits/${trait}`);
      await putWithGeneration('/traits', { traits: host.traits });
      if (host.aggregates) await putWithGeneration('/aggregates', { aggregates: host.aggregates });
    },
  };
  return client;
}

/** `VCPU:1,MEMORY_MB:512,DISK_GB:1`; zero amounts are left out (Placement rejects them). */
export function resourcesQuery(resources: Resources): string {
  return Object.entries(resources)
    .filter(([, n]) => n > 0)
    .map(([rc, n]) => `${rc}:${n}`)
    .join(',');
}
