/** The few Glance calls the image bench makes around its transfers; none of them is timed. */

export interface ImageRecord {
  id: string;
  status: string;
  size: number | null;
  checksum: string | null;
  os_hash_algo: string | null;
  os_hash_value: string | null;
}

async function call(url: string, init: RequestInit, expect: number, what: string): Promise<any> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  const text = await res.text();
  if (res.status !== expect) throw new Error(`${what} answered ${res.status}, not ${expect}: ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : undefined;
}

/** POST /v2/images: a queued raw image ready for data. */
export async function createImage(base: string, token: string, name: string): Promise<ImageRecord> {
  return call(
    `${base}/image/v2/images`,
    {
      method: 'POST',
      headers: { 'x-auth-token': token, 'content-type': 'application/json' },
      body: JSON.stringify({ name, disk_format: 'raw', container_format: 'bare' }),
    },
    201,
    'POST /image/v2/images',
  );
}

export async function showImage(base: string, token: string, id: string): Promise<ImageRecord> {
  return call(
    `${base}/image/v2/images/${id}`,
    { headers: { 'x-auth-token': token } },
    200,
    'GET /image/v2/images/{id}',
  );
}
