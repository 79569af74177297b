import { adminSession, call, prepareCompute } from './compute-setup.ts';

/**
 * The compute set's preparation for a cloud with real instances, with validation on: servers boot the
 * strata-guest image `strata start --first-run` uploaded, on 256 MB flavors made here (`m1.strata`, and a larger
 * `m1.strata-alt` that resize switches to), and Tempest logs in over SSH (root, its own key pair) through a
 * floating IP on `public`. Timeouts allow TCG boots (10-20 s each, more when Tempest boots two at once).
 */
export async function prepareScenario(
  authUrl: string,
  password: string,
): Promise<Record<string, Record<string, string>>> {
  const base = await prepareCompute(authUrl, password);
  const s = await adminSession(authUrl, password);
  const images = (await call(s, `${s.endpoint('image')}/v2/images?name=strata-guest&status=active`)).images as {
    id: string;
  }[];
  if (!images[0]) throw new Error('no active strata-guest image: start the cloud with --first-run (it uploads it)');
  const flavor = await ensureFlavor(s, 'm1.strata', 256, 1);
  const alt = await ensureFlavor(s, 'm1.strata-alt', 384, 2);
  return {
    ...base,
    compute: {
      ...base.compute,
      image_ref: images[0].id,
      image_ref_alt: images[0].id,
      flavor_ref: flavor,
      flavor_ref_alt: alt,
      build_timeout: '300',
      build_interval: '2',
    },
    'compute-feature-enabled': { ...base['compute-feature-enabled'], change_password: 'false' },
    network: { ...base.network, floating_network_name: 'public' },
    validation: {
      run_validation: 'true',
      connect_method: 'floating',
      auth_method: 'keypair',
      image_ssh_user: 'root',
      image_alt_ssh_user: 'root',
      ip_version_for_ssh: '4',
      ssh_key_type: 'rsa',
      connect_timeout: '30',
      ssh_timeout: '180',
      ping_timeout: '120',
    },
  };
}

/** A public flavor of `ram` MB, 1 vCPU and `disk` GB named `name` (made when missing); returns its id. */
async function ensureFlavor(s: Awaited<ReturnType<typeof adminSession>>, name: string, ram: number, disk: number) {
  const all = (await call(s, `${s.endpoint('compute')}/flavors/detail`)).flavors as { id: string; name: string }[];
  const found = all.find((f) => f.name === name);
  if (found) return found.id;
  const made = await call(s, `${s.endpoint('compute')}/flavors`, 'POST', { flavor: { name, ram, vcpus: 1, disk } });
  return made.flavor.id as string;
}
