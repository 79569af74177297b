import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { queryValue } from '../list-paging.ts';
import { countUsage } from '../quota-usage.ts';
import { projectLimits } from '../quotas.ts';
import { enforceNova } from '../server-access.ts';

/**
 * GET /limits: the project's absolute limits and usage in Nova's camelCase names (`?tenant_id=` for admins:
 * another project's); `rate` is always empty (no rate limiting). Network fields go at 2.36, maxImageMeta at
 * 2.39, personality at 2.57.
 */
export function limitsRoutes(app: ServiceApp, deps: ComputeDeps): void {
  app.get('/v2.1/limits', async (req) => {
    const auth = req.ctx.requireAuth();
    let projectId = auth.projectId ?? '';
    enforceNova(req, 'os_compute_api:limits', {});
    const asked = queryValue((req.query as Record<string, unknown>).tenant_id);
    // Nova ignores tenant_id from non-admins (shows their own) rather than refusing.
    if (asked && asked !== projectId && req.ctx.allowed('os_compute_api:limits:other_project', { project_id: asked }))
      projectId = asked;
    const limits = await projectLimits(deps, projectId);
    const used = await countUsage(deps, projectId, undefined, auth.userId);
    const mv = req.microversion;
    const absolute: Record<string, number> = {
      maxTotalInstances: limits.instances,
      maxTotalCores: limits.cores,
      maxTotalRAMSize: limits.ram,
      maxServerMeta: limits.metadata_items,
      maxTotalKeypairs: limits.key_pairs,
      maxServerGroups: limits.server_groups,
      maxServerGroupMembers: limits.server_group_members,
      totalInstancesUsed: used.instances,
      totalCoresUsed: used.cores,
      totalRAMUsed: used.ram,
      totalServerGroupsUsed: used.server_groups,
    };
    if (mv.atMost('2.38')) absolute.maxImageMeta = limits.metadata_items;
    if (mv.atMost('2.56')) {
      absolute.maxPersonality = limits.injected_files;
      absolute.maxPersonalitySize = limits.injected_file_content_bytes;
    }
    if (mv.atMost('2.35')) {
      absolute.maxTotalFloatingIps = limits.floating_ips;
      absolute.maxSecurityGroups = limits.security_groups;
      absolute.maxSecurityGroupRules = limits.security_group_rules;
      absolute.totalFloatingIpsUsed = 0;
      absolute.totalSecurityGroupsUsed = 0;
    }
    return { limits: { absolute, rate: [] } };
  });
}
