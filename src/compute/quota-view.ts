import { Type } from '@sinclair/typebox';
import type { Microversion } from './microversion.ts';
import { INJECTED_RESOURCES, MAIN_RESOURCES, NETWORK_QUOTA_DEFAULTS } from './quota-usage.ts';

const NETWORK = Object.keys(NETWORK_QUOTA_DEFAULTS);
const GROUPS = ['server_groups', 'server_group_members'];

/**
 * The resources a quota set (`os-quota-sets`) shows at `mv`: network ones up to 2.35, injected files up to
 * 2.56. Quota class sets (`class: true`) keep the network ones until 2.50, which adds the server group ones.
 */
export function quotaResources(mv: Microversion, kind: 'set' | 'class'): string[] {
  const out = MAIN_RESOURCES.filter((r) => kind === 'set' || mv.atLeast('2.50') || !GROUPS.includes(r));
  if (mv.atMost('2.56')) out.push(...INJECTED_RESOURCES);
  if (kind === 'set' ? mv.atMost('2.35') : mv.atMost('2.49')) out.push(...NETWORK);
  return out;
}

/** Nova's quota value: -1 (unlimited) up to the database's integer maximum, as a number or digit string. */
export const QuotaValue = Type.Union([
  Type.Integer({ minimum: -1, maximum: 0x7fffffff }),
  Type.String({ pattern: '^-?[0-9]+$', maxLength: 11 }),
]);

export const pick = (limits: Record<string, number>, keys: string[]) =>
  Object.fromEntries(keys.map((k) => [k, limits[k] ?? -1]));
