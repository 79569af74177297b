import { PREFIX } from './deps.ts';
import type { PlacementVersion } from './microversion.ts';
import type { ProviderRow } from './tables.ts';

/** A resource provider as the requested microversion shows it (links grow with the sub-resources each adds). */
export function providerView(row: ProviderRow, v: PlacementVersion): Record<string, unknown> {
  const self = `${PREFIX}/resource_providers/${row.uuid}`;
  const links = [
    { rel: 'self', href: self },
    { rel: 'inventories', href: `${self}/inventories` },
    { rel: 'usages', href: `${self}/usages` },
  ];
  if (v.atLeast('1.1')) links.push({ rel: 'aggregates', href: `${self}/aggregates` });
  if (v.atLeast('1.6')) links.push({ rel: 'traits', href: `${self}/traits` });
  if (v.atLeast('1.11')) links.push({ rel: 'allocations', href: `${self}/allocations` });
  return {
    uuid: row.uuid,
    name: row.name,
    generation: row.generation,
    ...(v.atLeast('1.14') && {
      parent_provider_uuid: row.parent_provider_uuid,
      root_provider_uuid: row.root_provider_uuid,
    }),
    links,
  };
}
