import { newId } from '../core/ids.ts';
import type { IdentityDeps } from './deps.ts';
import { hashPassword } from './passwords.ts';
import { ROOT } from './tables.ts';

export interface BootstrapSpec {
  adminUser: string;
  adminProject: string;
  /** Set the admin password to this (first start, or STRATA_ADMIN_PASSWORD); undefined keeps the stored one. */
  adminPassword?: string;
  region: string;
  /** Every service of this cloud, with the URL clients reach it at. */
  catalog: { type: string; name: string; url: string }[];
  /**
   * Service users (`compute`, ...) in project `serviceProject`, with roles service and admin there, as
   * devstack makes them. The password is set when the user is new or `changed` says it is new.
   */
  serviceUsers?: { name: string; password: string; changed: boolean }[];
  serviceProject?: string;
}

export const DEFAULT_DOMAIN = 'default';

/**
 * What `keystone-manage bootstrap` does, idempotently: the Default domain, roles admin ⊃ member ⊃ reader
 * (plus service), the admin project and user with admin on that project and on the system, the region, and
 * one service with public/internal/admin endpoints per catalog entry (URLs refreshed on every start).
 */
export async function bootstrap(
  deps: IdentityDeps,
  spec: BootstrapSpec,
): Promise<{ adminUserId: string; adminProjectId: string; created: boolean }> {
  return deps.db.transaction().execute(async (db) => {
    const ensureProject = async (id: string | undefined, name: string, isDomain: boolean) => {
      const domainId = isDomain ? ROOT : DEFAULT_DOMAIN;
      const found = await db
        .selectFrom('projects')
        .select('id')
        .where('domain_id', '=', domainId)
        .where('name', '=', name)
        .executeTakeFirst();
      if (found) return found.id;
      const row = {
        id: id ?? newId(),
        name,
        domain_id: domainId,
        parent_id: isDomain ? null : DEFAULT_DOMAIN,
        is_domain: isDomain ? 1 : 0,
        enabled: 1,
        description: isDomain ? 'The default domain' : 'Bootstrap project for initializing the cloud.',
        extra: '{}',
        options: '{}',
      };
      await db.insertInto('projects').values(row).execute();
      return row.id;
    };
    await ensureProject(DEFAULT_DOMAIN, 'Default', true);
    const projectId = await ensureProject(undefined, spec.adminProject, false);

    const roleIds: Record<string, string> = {};
    for (const name of ['admin', 'member', 'reader', 'service']) {
      const found = await db
        .selectFrom('roles')
        .select('id')
        .where('domain_id', '=', ROOT)
        .where('name', '=', name)
        .executeTakeFirst();
      roleIds[name] = found?.id ?? newId();
      if (!found)
        await db
          .insertInto('roles')
          .values({ id: roleIds[name], name, domain_id: ROOT, description: null, extra: '{}', options: '{}' })
          .execute();
    }
    for (const [prior, implied] of [
      ['admin', 'member'],
      ['member', 'reader'],
    ]) {
      await db
        .insertInto('implied_roles')
        .values({ prior_role_id: roleIds[prior], implied_role_id: roleIds[implied] })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }

    const ensureUser = async (name: string): Promise<{ id: string; created: boolean }> => {
      const found = await db
        .selectFrom('users')
        .select('id')
        .where('domain_id', '=', DEFAULT_DOMAIN)
        .where('name', '=', name)
        .executeTakeFirst();
      if (found) return { id: found.id, created: false };
      const id = newId();
      await db
        .insertInto('users')
        .values({
          id,
          domain_id: DEFAULT_DOMAIN,
          name,
          enabled: 1,
          password_hash: null,
          password_created_at: null,
          password_expires_at: null,
          default_project_id: null,
          description: null,
          email: null,
          extra: '{}',
          options: '{}',
          created_at: new Date().toISOString(),
        })
        .execute();
      return { id, created: true };
    };
    const setPassword = async (userId: string, password: string) => {
      const hash = await hashPassword(password, deps.config.identity.scrypt);
      await db
        .updateTable('users')
        .set({ password_hash: hash, password_created_at: new Date().toISOString(), enabled: 1 })
        .where('id', '=', userId)
        .execute();
    };

    const admin = await ensureUser(spec.adminUser);
    const user = { id: admin.id };
    const created = admin.created;
    if (spec.adminPassword !== undefined) await setPassword(user.id, spec.adminPassword);
    for (const [type, target] of [
      ['UserProject', projectId],
      ['UserSystem', 'system'],
    ] as const) {
      await db
        .insertInto('assignments')
        .values({ type, actor_id: user.id, target_id: target, role_id: roleIds.admin, inherited: 0 })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }

    if (spec.serviceUsers?.length) {
      const serviceProjectId = await ensureProject(undefined, spec.serviceProject ?? 'service', false);
      for (const su of spec.serviceUsers) {
        const id = await ensureUser(su.name);
        if (id.created || su.changed) await setPassword(id.id, su.password);
        for (const role of ['service', 'admin'])
          await db
            .insertInto('assignments')
            .values({
              type: 'UserProject',
              actor_id: id.id,
              target_id: serviceProjectId,
              role_id: roleIds[role],
              inherited: 0,
            })
            .onConflict((oc) => oc.doNothing())
            .execute();
      }
    }

    await db
      .insertInto('regions')
      .values({ id: spec.region, description: '', parent_region_id: null, extra: '{}' })
      .onConflict((oc) => oc.doNothing())
      .execute();
    for (const entry of spec.catalog) {
      const services = await db.selectFrom('services').select(['id', 'extra']).where('type', '=', entry.type).execute();
      const service = services.find((s) => JSON.parse(s.extra).name === entry.name);
      const serviceId = service?.id ?? newId();
      if (!service)
        await db
          .insertInto('services')
          .values({ id: serviceId, type: entry.type, enabled: 1, extra: JSON.stringify({ name: entry.name }) })
          .execute();
      for (const iface of ['public', 'internal', 'admin']) {
        const ep = await db
          .selectFrom('endpoints')
          .select('id')
          .where('service_id', '=', serviceId)
          .where('interface', '=', iface)
          .where('region_id', '=', spec.region)
          .executeTakeFirst();
        if (ep) await db.updateTable('endpoints').set({ url: entry.url }).where('id', '=', ep.id).execute();
        else
          await db
            .insertInto('endpoints')
            .values({
              id: newId(),
              service_id: serviceId,
              region_id: spec.region,
              interface: iface,
              url: entry.url,
              enabled: 1,
              extra: '{}',
            })
            .execute();
      }
    }
    return { adminUserId: user.id, adminProjectId: projectId, created };
  });
}
