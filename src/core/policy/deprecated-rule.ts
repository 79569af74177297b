import type { PolicyRule } from './enforcer.ts';

/**
 * What oslo.policy enforces for a rule whose default replaced an older one while `enforce_new_defaults = false`
 * (how Zed's services run, and what Tempest's Zed configuration expects): the new default or the deprecated one.
 */
export const orDeprecated = (current: string, deprecated: string): string =>
  current === deprecated ? current : `(${current}) or (${deprecated})`;

/** A project-scoped rule with its deprecated default: `projectRule('os_compute_api:servers:show', new, old)`. */
export const projectRule = (name: string, current: string, deprecated = current): PolicyRule => ({
  name,
  check: orDeprecated(current, deprecated),
  scopeTypes: ['project'],
});
