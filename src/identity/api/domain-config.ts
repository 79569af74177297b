import { type Static, Type } from '@sinclair/typebox';
import { Forbidden, NotFound } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { DEFAULT_DOMAIN } from '../bootstrap.ts';
import type { IdentityDeps } from '../deps.ts';
import {
  assertValidConfig,
  assertValidGroupAndOption,
  configDefaults,
  type DomainConfig,
} from '../domain-config-rules.ts';
import { configOf, deleteOptions, listOptions, mergeConfig, replaceConfig } from '../store/domain-config.ts';
import { getDomain } from '../store/domains.ts';

/**
 * Domain-specific configuration (/v3/domains/{id}/config): the [identity] and [ldap] options Keystone would
 * use for one domain's identity backend. Strata stores and serves them but does not act on them: every domain
 * keeps Strata's SQL identity backend (see domain-config-rules.ts). Keystone answers HEAD wherever it answers GET.
 */
const ConfigBody = Type.Object({ config: Type.Optional(Type.Record(Type.String(), Type.Unknown())) });
type ConfigBody = Static<typeof ConfigBody>;
const Segment = Type.String({ maxLength: 255 });
const Params = Type.Object({
  domain_id: Type.String({ maxLength: 64 }),
  group: Type.Optional(Segment),
  option: Type.Optional(Segment),
});
type Params = Static<typeof Params>;
const DefaultParams = Type.Object({ group: Type.Optional(Segment), option: Type.Optional(Segment) });
type DefaultParams = Static<typeof DefaultParams>;

const PATHS = [
  '/v3/domains/:domain_id/config',
  '/v3/domains/:domain_id/config/:group',
  '/v3/domains/:domain_id/config/:group/:option',
];
const DEFAULT_PATHS = [
  '/v3/domains/config/default',
  '/v3/domains/config/:group/default',
  '/v3/domains/config/:group/:option/default',
];

/** Keystone lets anyone read these two (and only these) from the default domain's security compliance. */
const COMPLIANCE_GROUP = 'security_compliance';
const COMPLIANCE_READABLE = ['password_regex', 'password_regex_description'];

function notFound(domainId: string, group?: string, option?: string): NotFound {
  const what = option ? `option ${option} in group ${group}` : group ? `group ${group}` : 'any options';
  return new NotFound(`Could not find ${what} in domain configuration for domain ${domainId}.`);
}

const invalid = (reason: string) => new Forbidden(`Invalid domain specific configuration: ${reason}.`);

/** Keystone's rules for PATCH on a group or an option: exactly that group/option, and it must already be set. */
function checkPartialUpdate(config: DomainConfig, current: DomainConfig, p: Params): void {
  const { domain_id, group, option } = p;
  if (group === undefined) return;
  if (Object.keys(config).length !== 1 || (option && Object.keys(config[group] ?? {}).length !== 1)) {
    throw invalid(
      option
        ? `Trying to update option ${option} in group ${group}, so that, and only that, option must be specified  in the config`
        : `Trying to update group ${group}, so that, and only that, group must be specified in the config`,
    );
  }
  if (!(group in config))
    throw invalid(
      `request to update group ${group}, but config provided contains group ${Object.keys(config)[0]} instead`,
    );
  if (option && !(option in config[group]))
    throw invalid(
      `Trying to update option ${option} in group ${group}, but config provided contains option ${Object.keys(config[group])[0]} instead`,
    );
  const present = option ? current[group] && option in current[group] : current[group] !== undefined;
  if (!present) throw notFound(domain_id, group, option);
}

export function domainConfigRoutes(app: ServiceApp, deps: IdentityDeps): void {
  /** What GET and PATCH show: the non-sensitive options, or 404 when there are none. */
  const shown = async ({ domain_id, group, option }: Params) => {
    const rows = await listOptions(deps.db, domain_id, { group, option, sensitive: false });
    if (rows.length === 0) throw notFound(domain_id, group, option);
    const config = configOf(rows);
    return option && group ? { [option]: config[group][option] } : config;
  };

  app.put<{ Params: Params; Body: ConfigBody }>(
    PATHS[0],
    { schema: { params: Params, body: ConfigBody } },
    async (req, reply) => {
      req.ctx.enforce('identity:create_domain_config');
      await getDomain(deps.db, req.params.domain_id);
      const config = req.body.config ?? {};
      assertValidConfig(config);
      const replaced = await replaceConfig(deps.db, req.params.domain_id, config);
      const rows = await listOptions(deps.db, req.params.domain_id, { sensitive: false });
      return reply.code(replaced ? 200 : 201).send({ config: configOf(rows) });
    },
  );

  for (const url of PATHS) {
    app.route<{ Params: Params }>({
      method: ['GET', 'HEAD'],
      url,
      schema: { params: Params },
      handler: async (req) => {
        const { domain_id, group, option } = req.params;
        if (group === COMPLIANCE_GROUP) {
          req.ctx.enforce('identity:get_security_compliance_domain_config');
          await getDomain(deps.db, domain_id);
          return { config: securityCompliance(domain_id, option) };
        }
        req.ctx.enforce('identity:get_domain_config');
        await getDomain(deps.db, domain_id);
        assertValidGroupAndOption(group, option);
        return { config: await shown(req.params) };
      },
    });

    app.patch<{ Params: Params; Body: ConfigBody }>(
      url,
      { schema: { params: Params, body: ConfigBody } },
      async (req) => {
        req.ctx.enforce('identity:update_domain_config');
        const { domain_id, group, option } = req.params;
        await getDomain(deps.db, domain_id);
        const given = req.body.config ?? {};
        // On an option URL the body is just {option: value}.
        const config: Record<string, unknown> = group && option ? { [group]: given } : given;
        assertValidConfig(config);
        assertValidGroupAndOption(group, option);
        await mergeConfig(deps.db, domain_id, config, (current) => checkPartialUpdate(config, current, req.params));
        return { config: await shown({ domain_id }) };
      },
    );

    app.delete<{ Params: Params }>(url, { schema: { params: Params } }, async (req, reply) => {
      req.ctx.enforce('identity:delete_domain_config');
      const { domain_id, group, option } = req.params;
      await getDomain(deps.db, domain_id);
      assertValidGroupAndOption(group, option);
      await deleteOptions(deps.db, domain_id, group, option, (current) => {
        if (group === undefined) return;
        const options = current[group];
        if (!options || Object.keys(options).length === 0) throw notFound(domain_id, group);
        if (option !== undefined && !(option in options)) throw notFound(domain_id, group, option);
      });
      return reply.code(204).send();
    });
  }

  for (const url of DEFAULT_PATHS) {
    app.route<{ Params: DefaultParams }>({
      method: ['GET', 'HEAD'],
      url,
      schema: { params: DefaultParams },
      handler: async (req) => {
        req.ctx.enforce('identity:get_domain_config_default');
        return { config: configDefaults(req.params.group, req.params.option) };
      },
    });
  }
}

function securityCompliance(domainId: string, option?: string): Record<string, unknown> {
  if (domainId !== DEFAULT_DOMAIN)
    throw invalid(
      'Reading security compliance information for any domain other than the default domain is not allowed or supported',
    );
  if (option !== undefined && !COMPLIANCE_READABLE.includes(option))
    throw invalid(
      'Reading security compliance values other than password_regex and password_regex_description is not allowed',
    );
  // Strata enforces no password regex, so both read as unset, as in a Keystone without one configured.
  if (option !== undefined) return { [option]: null };
  return { [COMPLIANCE_GROUP]: Object.fromEntries(COMPLIANCE_READABLE.map((o) => [o, null])) };
}
