import { Readable } from 'node:stream';
import type { SnapshotData } from '../drivers/hypervisor.ts';

/**
 * Streams a snapshot to the Image service (`PUT /v2/images/{id}/file`) with the requester's token, without
 * holding the whole disk in memory.
 */
export async function uploadSnapshot(
  data: SnapshotData,
  upload: { url: string; token: string },
  signal: AbortSignal,
): Promise<void> {
  const body = Readable.toWeb(Readable.from(data.stream));
  const init = {
    method: 'PUT',
    headers: { 'x-auth-token': upload.token, 'content-type': 'application/octet-stream' },
    body,
    duplex: 'half',
    signal,
  };
  const res = await fetch(upload.url, init as RequestInit);
  const text = await res.text();
  if (!res.ok) throw new Error(`image upload to ${upload.url} answered ${res.status}: ${text.slice(0, 300)}`);
}
