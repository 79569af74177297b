import type { IdentityDeps } from './deps.ts';
import { parseObject } from './rows.ts';
import { catalogEndpointFilter } from './store/project-endpoints.ts';
import type { IdentityDb } from './tables.ts';

export interface CatalogEntry {
  id: string;
  type: string;
  name: string;
  endpoints: { id: string; interface: string; region: string | null; region_id: string | null; url: string }[];
}

/**
 * The service catalog a token carries: enabled services with their enabled endpoints. Endpoint URLs may
 * hold `$(project_id)s` / `%(tenant_id)s`; an endpoint whose URL cannot be filled for this scope is left out.
 */
export async function catalogFor(
  deps: Pick<IdentityDeps, 'db' | 'catalogs'>,
  projectId?: string,
): Promise<CatalogEntry[]> {
  const key = projectId ?? '';
  const hit = deps.catalogs.get(key);
  if (hit) return hit;
  const catalog = await buildCatalog(deps.db, projectId);
  deps.catalogs.set(key, catalog);
  return catalog;
}

async function buildCatalog(db: IdentityDb, projectId?: string): Promise<CatalogEntry[]> {
  const services = await db.selectFrom('services').selectAll().where('enabled', '=', 1).execute();
  const endpoints = await db.selectFrom('endpoints').selectAll().where('enabled', '=', 1).execute();
  // OS-EP-FILTER: a project with endpoint associations sees only those endpoints, and no service left without one.
  const allowed = projectId ? await catalogEndpointFilter(db, projectId) : undefined;
  const catalog = services.map((s) => ({
    id: s.id,
    type: s.type,
    name: String(parseObject(s.extra).name ?? ''),
    endpoints: endpoints
      .filter((e) => e.service_id === s.id && (!allowed || allowed.has(e.id)))
      .flatMap((e) => {
        const url = fillUrl(e.url, projectId);
        return url === undefined
          ? []
          : [{ id: e.id, interface: e.interface, region: e.region_id, region_id: e.region_id, url }];
      }),
  }));
  return allowed ? catalog.filter((s) => s.endpoints.length > 0) : catalog;
}

function fillUrl(url: string, projectId?: string): string | undefined {
  const filled = url.replace(
    /\$\((project_id|tenant_id)\)s|%\((project_id|tenant_id)\)s/g,
    () => projectId ?? '\u0000',
  );
  return filled.includes('\u0000') ? undefined : filled;
}
