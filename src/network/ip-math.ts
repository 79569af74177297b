import { isIP } from 'node:net';

/**
 * IPv4 and IPv6 addresses as BigInts, for subnet arithmetic (containment, pools, first free address). Addresses
 * are stored and shown in their canonical text: dotted quads, and RFC 5952's compressed IPv6.
 */
export interface Cidr {
  version: 4 | 6;
  /** The network address. */
  network: bigint;
  prefixlen: number;
}

export const bitsOf = (version: 4 | 6): number => (version === 4 ? 32 : 128);

export function parseIp(text: string): { version: 4 | 6; value: bigint } | undefined {
  const kind = isIP(text);
  if (kind === 4) {
    const parts = text.split('.').map(Number);
    return { version: 4, value: BigInt(((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3]) };
  }
  if (kind === 6) return { version: 6, value: parseV6(text) };
  return undefined;
}

function parseV6(text: string): bigint {
  let s = text.split('%')[0];
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const n = parseIp(v4[1])?.value ?? 0n;
    s = `${s.slice(0, -v4[1].length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(Number.parseInt(g, 16)), 0n);
}

export function formatIp(version: 4 | 6, value: bigint): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: the longest run (of two or more) of zero groups, the first when tied, becomes '::'.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** The canonical text of an address, or undefined when it is not one. */
export function canonicalIp(text: string): string | undefined {
  const ip = parseIp(text);
  return ip && formatIp(ip.version, ip.value);
}

/** `10.0.0.5/24` → the network 10.0.0.0/24 (host bits dropped, as Neutron normalises). */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text);
  const ip = parseIp(m ? m[1] : text);
  if (!ip) return undefined;
  const prefixlen = m ? Number(m[2]) : bitsOf(ip.version);
  if (prefixlen > bitsOf(ip.version)) return undefined;
  return { version: ip.version, network: ip.value & maskOf(ip.version, prefixlen), prefixlen };
}

/** Whether the text names a network exactly (no host bits set). */
export function isExactCidr(text: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text);
  const c = parseCidr(text);
  return Boolean(m && c && parseIp(m[1])?.value === c.network);
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.version, c.network)}/${c.prefixlen}`;
}

export function maskOf(version: 4 | 6, prefixlen: number): bigint {
  const bits = BigInt(bitsOf(version));
  return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(prefixlen))) - 1n);
}

export function sizeOf(c: Cidr): bigint {
  return 1n << BigInt(bitsOf(c.version) - c.prefixlen);
}

export function lastOf(c: Cidr): bigint {
  return c.network + sizeOf(c) - 1n;
}

export function contains(c: Cidr, version: 4 | 6, value: bigint): boolean {
  return version === c.version && value >= c.network && value <= lastOf(c);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.version === b.version && a.network <= lastOf(b) && b.network <= lastOf(a);
}

/** EUI-64 interface identifier from a MAC, within a /64 prefix (SLAAC). */
export function eui64(prefix: Cidr, mac: string): bigint {
  const b = mac.split(':').map((x) => Number.parseInt(x, 16));
  const bytes = [b[0] ^ 0x02, b[1], b[2], 0xff, 0xfe, b[3], b[4], b[5]];
  const iid = bytes.reduce((acc, x) => (acc << 8n) + BigInt(x), 0n);
  return prefix.network + iid;
}
