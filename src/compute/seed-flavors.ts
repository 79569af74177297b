import { randomUUID } from 'node:crypto';
import type { ComputeBase } from './deps.ts';

/**
 * DevStack's flavors (lib/nova create_flavors): tempest-run picks the two smallest with at least 64 MB as
 * flavor_ref/_alt, and clients and docs assume m1.tiny … m1.xlarge exist. [id, name, vcpus, ram MB, disk GB].
 */
const DEVSTACK_FLAVORS: [string, string, number, number, number][] = [
  ['42', 'm1.nano', 1, 128, 1],
  ['84', 'm1.micro', 1, 192, 1],
  ['1', 'm1.tiny', 1, 512, 1],
  ['2', 'm1.small', 1, 2048, 20],
  ['3', 'm1.medium', 2, 4096, 40],
  ['4', 'm1.large', 4, 8192, 80],
  ['5', 'm1.xlarge', 8, 16384, 160],
  ['c1', 'cirros256', 1, 256, 1],
  ['d1', 'ds512M', 1, 512, 5],
  ['d2', 'ds1G', 1, 1024, 10],
  ['d3', 'ds2G', 2, 2048, 10],
  ['d4', 'ds4G', 4, 4096, 20],
];

/**
 * Seeds DevStack's flavors into a cloud that has never had any (deleted ones count: an operator who removed
 * them does not get them back on restart). Each carries DevStack's `hw_rng:allowed=True`.
 */
export async function seedFlavors(deps: Pick<ComputeBase, 'db'>): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const any = await trx.selectFrom('flavors').select('internal_id').limit(1).executeTakeFirst();
    if (any) return;
    const created_at = new Date().toISOString();
    for (const [id, name, vcpus, memory_mb, root_gb] of DEVSTACK_FLAVORS) {
      const internal_id = randomUUID();
      await trx
        .insertInto('flavors')
        .values({
          internal_id,
          id,
          name,
          vcpus,
          memory_mb,
          root_gb,
          ephemeral_gb: 0,
          swap: 0,
          rxtx_factor: 1,
          is_public: 1,
          disabled: 0,
          description: null,
          created_at,
          updated_at: null,
          deleted_at: null,
        })
        .execute();
      await trx
        .insertInto('flavor_extra_specs')
        .values({ flavor_id: internal_id, key: 'hw_rng:allowed', value: 'True' })
        .execute();
    }
  });
}
