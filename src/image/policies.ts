import type { PolicyRule } from '../core/policy/enforcer.ts';

/** Glance's default policy rules (filled in by the images work). */
export const imagePolicies: readonly PolicyRule[] = [];
