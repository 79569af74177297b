import { median } from './image-transfer.ts';
import type { NeutronClient } from './network-client.ts';

/** One list request repeated: the median and range of its time, its size, and how many items it held. */
export interface ListTiming {
  path: string;
  runs: number[];
  medianMs: number;
  bytes: number;
  items: number;
}

/** GETs `path` `runs` times in a row (Neutron's baseline took the median of 5); throws unless each is 200. */
export async function timeList(client: NeutronClient, path: string, collection: string, runs = 5): Promise<ListTiming> {
  const times: number[] = [];
  let bytes = 0;
  let items = 0;
  for (let i = 0; i < runs; i++) {
    const res = await client.call('GET', path, undefined);
    if (res.status !== 200)
      throw new Error(`GET ${path} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
    times.push(res.ms);
    bytes = res.bytes;
    items = (res.body[collection] as unknown[]).length;
  }
  return { path, runs: times, medianMs: median(times), bytes, items };
}

/** The full list and the `fields=id&fields=name` list of one network's ports, as Neutron's baseline ran them. */
export async function timePortLists(
  client: NeutronClient,
  networkId: string,
): Promise<{ full: ListTiming; idName: ListTiming }> {
  const path = `/v2.0/ports?network_id=${networkId}`;
  const full = await timeList(client, path, 'ports');
  const idName = await timeList(client, `${path}&fields=id&fields=name`, 'ports');
  return { full, idName };
}

/** Every address on the network's ports, from one `fields=fixed_ips` list: the duplicate check's ground truth. */
export async function addressesOn(client: NeutronClient, networkId: string): Promise<string[]> {
  const body = await client.must('GET', `/v2.0/ports?network_id=${networkId}&fields=fixed_ips`, 200);
  return (body.ports as { fixed_ips: { ip_address: string }[] }[]).flatMap((p) => p.fixed_ips.map((f) => f.ip_address));
}
