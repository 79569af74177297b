import { isIP } from 'node:net';

/**
 * The address arithmetic routers and floating IPs need: whether an address lies in a CIDR, whether two CIDRs
 * overlap (router interfaces may not), and what a route destination normalises to. Addresses are compared as
 * bigints so IPv4 and IPv6 share one path.
 */
export interface ParsedCidr {
  version: 4 | 6;
  /** The network address. */
  base: bigint;
  prefix: number;
}

export function ipToBigInt(ip: string): { version: 4 | 6; value: bigint } | undefined {
  const kind = isIP(ip);
  if (kind === 4) {
    const value = ip.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
    return { version: 4, value };
  }
  if (kind === 6) {
    let text = ip;
    // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hextets.
    const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
    if (v4) {
      const n = ipToBigInt(v4[1])?.value ?? 0n;
      text = `${text.slice(0, -v4[1].length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
    }
    const [head, tail] = text.split('::');
    const h = head ? head.split(':') : [];
    const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    const value = groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g || '0', 16)), 0n);
    return { version: 6, value };
  }
  return undefined;
}

/** `10.0.0.5/24` → network 10.0.0.0/24; undefined when it is not a CIDR. */
export function parseCidr(cidr: string): ParsedCidr | undefined {
  const [addr, len, ...rest] = cidr.split('/');
  if (rest.length > 0) return undefined;
  const ip = ipToBigInt(addr);
  if (!ip) return undefined;
  const bits = ip.version === 4 ? 32 : 128;
  const prefix = len === undefined ? bits : /^\d+$/.test(len) ? Number(len) : Number.NaN;
  if (!(prefix >= 0 && prefix <= bits)) return undefined;
  const host = bits - prefix;
  return { version: ip.version, base: (ip.value >> BigInt(host)) << BigInt(host), prefix };
}

export function cidrContains(cidr: string, ip: string): boolean {
  const net = parseCidr(cidr);
  const addr = ipToBigInt(ip);
  if (!net || !addr || net.version !== addr.version) return false;
  const host = BigInt((net.version === 4 ? 32 : 128) - net.prefix);
  return (addr.value >> host) << host === net.base;
}

export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  if (!x || !y || x.version !== y.version) return false;
  const bits = x.version === 4 ? 32 : 128;
  const host = BigInt(bits - Math.min(x.prefix, y.prefix));
  return x.base >> host === y.base >> host;
}

/** The canonical text of a CIDR (`10.0.0.0/24`), as Neutron stores route destinations. */
export function canonicalCidr(cidr: string): string | undefined {
  const net = parseCidr(cidr);
  if (!net) return undefined;
  if (net.version === 4) {
    const parts = [24n, 16n, 8n, 0n].map((s) => String((net.base >> s) & 0xffn));
    return `${parts.join('.')}/${net.prefix}`;
  }
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((net.base >> BigInt(i * 16)) & 0xffffn).toString(16));
  return `${compressV6(groups)}/${net.prefix}`;
}

function compressV6(groups: string[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}
