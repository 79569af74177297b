import { type DomainConfig, isSensitive } from '../domain-config-rules.ts';
import { type DomainConfigRow, extensionDb } from '../extension-tables.ts';
import type { IdentityDb } from '../tables.ts';

export interface OptionQuery {
  group?: string;
  option?: string;
  /** true: sensitive options only; false: the ones that may be shown; undefined: both. */
  sensitive?: boolean;
}

export async function listOptions(db: IdentityDb, domainId: string, q: OptionQuery = {}): Promise<DomainConfigRow[]> {
  let query = extensionDb(db)
    .selectFrom('domain_configs')
    .selectAll()
    .where('domain_id', '=', domainId)
    .orderBy('config_group')
    .orderBy('config_option');
  if (q.group !== undefined) query = query.where('config_group', '=', q.group);
  if (q.option !== undefined) query = query.where('config_option', '=', q.option);
  if (q.sensitive !== undefined) query = query.where('sensitive', '=', q.sensitive ? 1 : 0);
  return query.execute();
}

export function configOf(rows: readonly DomainConfigRow[]): DomainConfig {
  const config: DomainConfig = {};
  for (const r of rows) {
    config[r.config_group] ??= {};
    config[r.config_group][r.config_option] = JSON.parse(r.value);
  }
  return config;
}

const rowsOf = (domainId: string, config: DomainConfig): DomainConfigRow[] =>
  Object.entries(config).flatMap(([group, options]) =>
    Object.entries(options).map(([option, value]) => ({
      domain_id: domainId,
      config_group: group,
      config_option: option,
      value: JSON.stringify(value ?? null),
      sensitive: isSensitive(group, option) ? 1 : 0,
    })),
  );

/** PUT: the given config replaces whatever the domain had. Returns whether it had any before. */
export async function replaceConfig(db: IdentityDb, domainId: string, config: DomainConfig): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const ext = extensionDb(trx);
    const res = await ext.deleteFrom('domain_configs').where('domain_id', '=', domainId).executeTakeFirst();
    await ext.insertInto('domain_configs').values(rowsOf(domainId, config)).execute();
    return Number(res.numDeletedRows) > 0;
  });
}

/**
 * PATCH: options in `config` are set (created or overwritten). `check` runs inside the transaction against the
 * current config (sensitive options included) so the existence checks and the write see the same rows.
 */
export async function mergeConfig(
  db: IdentityDb,
  domainId: string,
  config: DomainConfig,
  check: (current: DomainConfig) => void,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    check(configOf(await listOptions(trx, domainId)));
    const ext = extensionDb(trx);
    for (const row of rowsOf(domainId, config)) {
      await ext
        .deleteFrom('domain_configs')
        .where('domain_id', '=', domainId)
        .where('config_group', '=', row.config_group)
        .where('config_option', '=', row.config_option)
        .execute();
      await ext.insertInto('domain_configs').values(row).execute();
    }
  });
}

export async function deleteOptions(
  db: IdentityDb,
  domainId: string,
  group: string | undefined,
  option: string | undefined,
  check: (current: DomainConfig) => void,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    check(configOf(await listOptions(trx, domainId)));
    let q = extensionDb(trx).deleteFrom('domain_configs').where('domain_id', '=', domainId);
    if (group !== undefined) q = q.where('config_group', '=', group);
    if (option !== undefined) q = q.where('config_option', '=', option);
    await q.execute();
  });
}
