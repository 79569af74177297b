import type { BootSpec } from './compute-boot.ts';
import type { ApiClient } from './compute-client.ts';

/** The clients the setup needs (Compute, Image and Networking), each as the admin. */
export interface SetupClients {
  compute: ApiClient;
  image: ApiClient;
  network: ApiClient;
}

/**
 * Everything made before anything is timed: a network with a /20 subnet (room for every port), a small public
 * image, and the admin project's quotas lifted (Nova's default 10 instances, Neutron's 500 ports) so the
 * bench measures the service, not the quota. Returns what each create sends.
 */
export async function prepareBench(c: SetupClients, projectId: string, flavorRef: string): Promise<BootSpec> {
  await c.compute.must('PUT', `/os-quota-sets/${projectId}`, 200, {
    quota_set: { instances: -1, cores: -1, ram: -1 },
  });
  await c.network.must('PUT', `/v2.0/quotas/${projectId}`, 200, { quota: { port: -1 } });
  const { network } = await c.network.must('POST', '/v2.0/networks', 201, { network: { name: 'bench-compute' } });
  await c.network.must('POST', '/v2.0/subnets', 201, {
    subnet: { network_id: network.id, ip_version: 4, cidr: '10.80.0.0/20', name: 'bench-compute-subnet' },
  });
  const image = await c.image.must('POST', '/v2/images', 201, {
    name: 'bench-compute-image',
    disk_format: 'raw',
    container_format: 'bare',
    visibility: 'public',
  });
  await c.image.must('PUT', `/v2/images/${image.id}/file`, 204, new Uint8Array(64 * 1024));
  // The flavor must exist (seeded m1.nano by default): a missing one would make every create a 400.
  await c.compute.must('GET', `/flavors/${flavorRef}`, 200);
  return { imageRef: image.id, flavorRef, networkId: network.id };
}

/** The id of the project named `name` (the admin's, which the bench boots into). */
export async function projectId(identity: ApiClient, name: string): Promise<string> {
  const body = await identity.must('GET', `/projects?name=${encodeURIComponent(name)}`, 200);
  const project = (body.projects as { id: string }[])[0];
  if (!project) throw new Error(`no project named ${name}`);
  return project.id;
}
