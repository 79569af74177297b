/** How many leading bytes `virtualSizeOf` needs to see. */
export const HEADER_BYTES = 512;

// "QFI\xfb": every qcow2 version starts with it (docs/interop/qcow2.txt in QEMU).
const QCOW2_MAGIC = 0x514649fb;

/**
 * The disk size a qcow2 image presents to a guest: the big-endian 64-bit `size` field at bytes 24..31 of the
 * header. Undefined when the bytes are not a qcow2 header, as Glance leaves virtual_size unset when its format
 * inspector cannot read the data.
 */
export function qcow2VirtualSize(head: Buffer): number | undefined {
  if (head.length < 32 || head.readUInt32BE(0) !== QCOW2_MAGIC) return undefined;
  const version = head.readUInt32BE(4);
  if (version !== 2 && version !== 3) return undefined;
  const size = head.readBigUInt64BE(24);
  return size <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(size) : undefined;
}

/** Glance's virtual_size for the formats Strata inspects: qcow2 from its header, raw is its own size. */
export function virtualSizeOf(diskFormat: string | null, head: Buffer, size: number): number | null {
  if (diskFormat === 'raw') return size;
  if (diskFormat === 'qcow2') return qcow2VirtualSize(head) ?? null;
  return null;
}
