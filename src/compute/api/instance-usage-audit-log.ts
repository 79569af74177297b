import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { badRequest } from '../errors.ts';
import { enforceNova } from '../server-access.ts';

type BeforeParams = { before_timestamp: string };

const at = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');

/**
 * Nova's audit period (instance_usage_audit_period = month): the last whole month ending before `before`.
 * `before` must be `YYYY-MM-DD HH:MM:SS[.ffffff]` (Nova's 400 otherwise).
 */
function auditPeriod(before: Date): { beginning: Date; ending: Date } {
  const ending = new Date(Date.UTC(before.getUTCFullYear(), before.getUTCMonth(), 1));
  const beginning = new Date(Date.UTC(ending.getUTCFullYear(), ending.getUTCMonth() - 1, 1));
  return { beginning, ending };
}

function parseBefore(text: string): Date {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d{1,6})?$/.exec(text);
  const t = m ? Date.parse(`${m[1]}T${m[2]}Z`) : Number.NaN;
  if (Number.isNaN(t)) throw badRequest(`Invalid timestamp for date ${text}`);
  return new Date(t);
}

/**
 * /os-instance_usage_audit_log (admins): the instance usage audit Nova's compute hosts run per period. Strata's
 * agents run no audit task, so every compute host is reported as not run for the period, as a Nova cloud
 * with `instance_usage_audit = False` answers.
 */
export function instanceUsageAuditLogRoutes(app: ServiceApp, deps: ComputeDeps): void {
  const report = async (before: Date) => {
    const { beginning, ending } = auditPeriod(before);
    const hosts = (
      await deps.db
        .selectFrom('compute_services')
        .select('host')
        .where('binary', '=', 'nova-compute')
        .orderBy('host')
        .execute()
    ).map((r) => r.host);
    return {
      hosts_not_run: hosts,
      log: {},
      num_hosts: hosts.length,
      num_hosts_done: 0,
      num_hosts_not_run: hosts.length,
      num_hosts_running: 0,
      overall_status: `0 of ${hosts.length} hosts done. 0 errors.`,
      period_beginning: at(beginning),
      period_ending: at(ending),
      total_errors: 0,
      total_instances: 0,
    };
  };

  app.get('/v2.1/os-instance_usage_audit_log', async (req) => {
    enforceNova(req, 'os_compute_api:os-instance-usage-audit-log:list', {});
    return { instance_usage_audit_logs: await report(new Date()) };
  });

  app.get<{ Params: BeforeParams }>('/v2.1/os-instance_usage_audit_log/:before_timestamp', async (req) => {
    enforceNova(req, 'os_compute_api:os-instance-usage-audit-log:show', {});
    return { instance_usage_audit_log: await report(parseBefore(req.params.before_timestamp)) };
  });
}
