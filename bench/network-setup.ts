import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { NeutronClient } from './network-client.ts';

/** A network with one IPv4 subnet, made over the API before anything is timed. */
export interface BenchNetwork {
  networkId: string;
  subnetId: string;
  projectId: string;
}

export async function makeNetwork(client: NeutronClient, name: string, cidr: string): Promise<BenchNetwork> {
  const { network } = await client.must('POST', '/v2.0/networks', 201, { network: { name } });
  const { subnet } = await client.must('POST', '/v2.0/subnets', 201, {
    subnet: { network_id: network.id, ip_version: 4, cidr, name: `${name}-subnet` },
  });
  return { networkId: network.id, subnetId: subnet.id, projectId: network.project_id };
}

/** Neutron's default port quota (500) would stop the bench early: unlimited ports, as the baseline set. */
export async function unlimitedPorts(client: NeutronClient, projectId: string): Promise<void> {
  await client.must('PUT', `/v2.0/quotas/${projectId}`, 200, { quota: { port: -1 } });
}

/**
 * With --database-url: a new, empty database on that server for this run (a server's first start expects one),
 * and how to drop it once the server has stopped.
 */
export async function scratchDatabase(root: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `strata_bench_${randomBytes(6).toString('hex')}`;
  const onRoot = async (statement: string) => {
    const c = new pg.Client({ connectionString: root });
    await c.connect();
    try {
      await c.query(statement);
    } finally {
      await c.end();
    }
  };
  await onRoot(`CREATE DATABASE ${name}`);
  const url = new URL(root);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => onRoot(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
