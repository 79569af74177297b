import type { ComputeBase } from './deps.ts';
import type { FlavorSnapshot } from './tables.ts';

/**
 * Nova's quota resources in the order its API lists them. The network ones are Nova-network leftovers that the
 * API still shows up to 2.35 with Nova's historical defaults (Neutron enforces its own); injected files go at 2.57.
 */
export const NETWORK_QUOTA_DEFAULTS: Record<string, number> = {
  floating_ips: 10,
  fixed_ips: -1,
  security_groups: 10,
  security_group_rules: 20,
};
export const INJECTED_RESOURCES = ['injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes'];
export const MAIN_RESOURCES = [
  'instances',
  'cores',
  'ram',
  'metadata_items',
  'key_pairs',
  'server_groups',
  'server_group_members',
];

export interface Usage {
  instances: number;
  cores: number;
  ram: number;
  key_pairs: number;
  server_groups: number;
}

/**
 * What a project (or one user in it) uses now, counted from the tables as Nova's DB counting driver does:
 * undeleted servers and their flavors' vCPUs and RAM, server groups; key pairs always per user.
 */
export async function countUsage(
  deps: Pick<ComputeBase, 'db'>,
  projectId: string,
  userId: string | undefined,
  keypairUser: string | undefined,
): Promise<Usage> {
  let q = deps.db
    .selectFrom('instances')
    .select(['flavor'])
    .where('project_id', '=', projectId)
    .where('deleted', '=', 0);
  if (userId) q = q.where('user_id', '=', userId);
  const servers = await q.execute();
  let cores = 0;
  let ram = 0;
  for (const s of servers) {
    const flavor = JSON.parse(s.flavor) as Partial<FlavorSnapshot>;
    cores += flavor.vcpus ?? 0;
    ram += flavor.memory_mb ?? 0;
  }
  let groups = deps.db
    .selectFrom('server_groups')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('project_id', '=', projectId);
  if (userId) groups = groups.where('user_id', '=', userId);
  const keypairs = keypairUser
    ? await deps.db
        .selectFrom('key_pairs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', keypairUser)
        .executeTakeFirstOrThrow()
    : { n: 0 };
  return {
    instances: servers.length,
    cores,
    ram,
    key_pairs: Number(keypairs.n),
    server_groups: Number((await groups.executeTakeFirstOrThrow()).n),
  };
}

/** The members a server group has now (server_group_members is a limit per group). */
export async function groupMemberCount(deps: Pick<ComputeBase, 'db'>, groupId: string): Promise<number> {
  const row = await deps.db
    .selectFrom('server_group_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('group_id', '=', groupId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
