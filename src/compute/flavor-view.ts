import type { Microversion } from './microversion.ts';
import type { FlavorRow } from './tables.ts';

type Url = (path: string) => string;

/** Nova's flavor links: self under /v2.1, bookmark without the version. */
export function flavorLinks(url: Url, id: string) {
  const path = `/flavors/${encodeURIComponent(id)}`;
  return [
    { rel: 'self', href: url(`/v2.1${path}`) },
    { rel: 'bookmark', href: url(path) },
  ];
}

/** The list entry (`GET /flavors`): id, name, links; `description` from 2.55. */
export function flavorSummary(row: FlavorRow, mv: Microversion, url: Url): Record<string, unknown> {
  const view: Record<string, unknown> = { id: row.id, name: row.name, links: flavorLinks(url, row.id) };
  if (mv.atLeast('2.55')) view.description = row.description;
  return view;
}

/**
 * The full flavor (detail list, show, create, update). `swap` is '' for none before 2.75 (Nova's historical
 * quirk Tempest checks), 0 from then; `extra_specs` from 2.61 when the caller may read them.
 */
export function flavorDetail(
  row: FlavorRow,
  mv: Microversion,
  url: Url,
  extraSpecs?: Record<string, string>,
): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: row.id,
    name: row.name,
    ram: row.memory_mb,
    disk: row.root_gb,
    vcpus: row.vcpus,
    swap: row.swap === 0 && !mv.atLeast('2.75') ? '' : row.swap,
    'OS-FLV-EXT-DATA:ephemeral': row.ephemeral_gb,
    'OS-FLV-DISABLED:disabled': Boolean(row.disabled),
    'os-flavor-access:is_public': Boolean(row.is_public),
    rxtx_factor: row.rxtx_factor,
    links: flavorLinks(url, row.id),
  };
  if (mv.atLeast('2.55')) view.description = row.description;
  if (mv.atLeast('2.61') && extraSpecs) view.extra_specs = extraSpecs;
  return view;
}
