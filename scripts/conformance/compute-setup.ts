import { ADMIN_SCOPE, passwordAuth, readAnswer } from '../identity-client.ts';
import { prepareNetwork } from './network-setup.ts';

/**
 * What DevStack leaves for Tempest's compute tests, made here through the public APIs: the network set's public
 * external network, two active public images (`image_ref` boots, `image_ref_alt` is what rebuild switches to),
 * the two smallest flavors with at least 64 MB of RAM (the seeded m1.nano and m1.micro, as `tempest-run` picks
 * them) and the microversion range of the version document. Returns the tempest.conf sections for them,
 * together with what this single fake host can and cannot do (docs/plans/compute.md section 3).
 */
export async function prepareCompute(
  authUrl: string,
  password: string,
): Promise<Record<string, Record<string, string>>> {
  const network = await prepareNetwork(authUrl, password);
  const admin = await adminSession(authUrl, password);
  const images = [
    await publicImage(admin, 'cirros-strata-tempest'),
    await publicImage(admin, 'cirros-strata-tempest-alt'),
  ];
  const flavors = await smallestFlavors(admin);
  const versions = await microversions(admin);
  return {
    ...network,
    compute: {
      image_ref: images[0],
      image_ref_alt: images[1],
      flavor_ref: flavors[0],
      flavor_ref_alt: flavors[1],
      ...versions,
      min_compute_nodes: '1',
      // The fake driver answers in milliseconds: a server not ACTIVE after two minutes is stuck, not slow.
      build_timeout: '120',
      build_interval: '1',
      ready_wait: '0',
      // Strata offloads a shelved server at once (compute.shelvedOffloadTime 0), so Tempest waits for
      // SHELVED_OFFLOADED right after shelve.
      shelved_offload_time: '0',
    },
    'compute-feature-enabled': {
      resize: 'true',
      rescue: 'true',
      // Stable rescue (2.87) boots the rescue image with the original disks attached: not in the fake driver.
      stable_rescue: 'false',
      console_output: 'true',
      snapshot: 'true',
      interface_attach: 'true',
      pause: 'true',
      suspend: 'true',
      shelve: 'true',
      shelve_migrate: 'false',
      // One compute host: nothing to migrate to.
      live_migration: 'false',
      cold_migration: 'false',
      block_migration_for_live_migration: 'false',
      vnc_console: 'false',
      spice_console: 'false',
      rdp_console: 'false',
      serial_console: 'false',
      change_password: 'false',
      personality: 'false',
      // No Cinder and no Barbican.
      attach_encrypted_volume: 'false',
      volume_multiattach: 'false',
      swap_volume: 'false',
      disk_config: 'true',
      config_drive: 'true',
      metadata_service: 'true',
      enable_instance_password: 'true',
      nova_cert: 'false',
      xenapi_apis: 'false',
    },
    validation: { run_validation: 'false' },
  };
}

export interface AdminSession {
  token: string;
  endpoint(type: string): string;
}

export async function adminSession(authUrl: string, password: string): Promise<AdminSession> {
  const login = await fetch(`${authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(passwordAuth('admin', password, ADMIN_SCOPE)),
  });
  if (login.status !== 201) throw new Error(`admin login failed: ${login.status}`);
  const catalog = (
    (await readAnswer(login)).body as {
      token: { catalog: { type: string; endpoints: { interface: string; url: string }[] }[] };
    }
  ).token.catalog;
  return {
    token: login.headers.get('x-subject-token')!,
    endpoint(type) {
      const url = catalog.find((s) => s.type === type)?.endpoints.find((e) => e.interface === 'public')?.url;
      if (!url) throw new Error(`no ${type} endpoint in the catalog`);
      return url.replace(/\/$/, '');
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: OpenStack answers are read field by field.
export async function call(s: AdminSession, url: string, method = 'GET', body?: unknown): Promise<any> {
  const isBytes = body instanceof Uint8Array;
  const res = await fetch(url, {
    method,
    headers: {
      'x-auth-token': s.token,
      'content-type': isBytes ? 'application/octet-stream' : 'application/json',
    },
    body: body === undefined ? undefined : isBytes ? (body as Uint8Array<ArrayBuffer>) : JSON.stringify(body),
  });
  const answer = await readAnswer(res);
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/**
 * An active public image named `name` (made and uploaded when missing). Its bytes are a small stand-in disk: the
 * fake driver never reads them, and a snapshot copies whatever the driver returns.
 */
async function publicImage(s: AdminSession, name: string): Promise<string> {
  const base = `${s.endpoint('image')}/v2/images`;
  const found = (await call(s, `${base}?name=${encodeURIComponent(name)}&status=active`)).images as { id: string }[];
  if (found[0]) return found[0].id;
  const image = await call(s, base, 'POST', {
    name,
    disk_format: 'raw',
    container_format: 'bare',
    visibility: 'public',
    min_ram: 0,
    min_disk: 0,
  });
  await call(s, `${base}/${image.id}/file`, 'PUT', new Uint8Array(64 * 1024));
  return image.id;
}

/** The two smallest flavors with RAM >= 64 MB, as tempest-run picks them (m1.nano 42 and m1.micro 84 when seeded). */
async function smallestFlavors(s: AdminSession): Promise<[string, string]> {
  const all = (await call(s, `${s.endpoint('compute')}/flavors/detail`)).flavors as {
    id: string;
    ram: number;
    vcpus: number;
    disk: number;
  }[];
  const fit = all.filter((f) => f.ram >= 64).sort((a, b) => a.ram - b.ram || a.vcpus - b.vcpus || a.disk - b.disk);
  if (!fit.length) throw new Error('no flavor with at least 64 MB of RAM: are the flavors seeded?');
  return [fit[0].id, fit[Math.min(1, fit.length - 1)].id];
}

/** `[compute] min/max_microversion` from the version document, as tempest-run discovers them. */
async function microversions(s: AdminSession): Promise<Record<string, string>> {
  const { version } = (await call(s, s.endpoint('compute'))) as {
    version?: { version?: string; min_version?: string };
  };
  if (!version?.version) return {};
  return { min_microversion: version.min_version || '2.1', max_microversion: version.version };
}
