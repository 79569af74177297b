import type { ImageRecord } from './store/images.ts';

/** Properties Glance keeps for itself and never shows (which worker staged or is hashing the data). */
const HIDDEN_PROPERTIES = new Set(['os_glance_stage_host', 'os_glance_hash_op_host']);

/** Glance's timestamps: `2024-05-01T12:00:00Z`, no fraction (oslo's `isotime`). */
export function isoTime(stored: string): string {
  const d = new Date(stored);
  return Number.isNaN(d.getTime()) ? stored : `${d.toISOString().slice(0, 19)}Z`;
}

/** The image as GET /v2/images/{id} shows it. Links are relative, as Glance's are. */
export function imageView(img: ImageRecord): Record<string, unknown> {
  const { row } = img;
  const view: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(img.properties)) if (!HIDDEN_PROPERTIES.has(k)) view[k] = v;
  Object.assign(view, {
    name: row.name,
    disk_format: row.disk_format,
    container_format: row.container_format,
    visibility: row.visibility,
    size: row.size === null ? null : Number(row.size),
    virtual_size: row.virtual_size === null ? null : Number(row.virtual_size),
    status: row.status,
    checksum: row.checksum,
    protected: Boolean(row.protected),
    min_ram: row.min_ram,
    min_disk: row.min_disk,
    owner: row.owner,
    os_hidden: Boolean(row.os_hidden),
    os_hash_algo: row.os_hash_algo,
    os_hash_value: row.os_hash_value,
    id: row.id,
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
    tags: [...img.tags],
    self: `/v2/images/${row.id}`,
    file: `/v2/images/${row.id}/file`,
    schema: '/v2/schemas/image',
  });
  // Glance (with enabled_backends) names the stores holding the data; locations themselves stay hidden.
  const stores = img.locations.filter((l) => l.status === 'active').map((l) => l.store);
  if (stores.length > 0) view.stores = stores.join(',');
  return view;
}

/**
 * Glance's policy target for an existing image (ImageTarget): its attributes and properties by name, the owner
 * also as `project_id`, and `member_id` when the caller's project is a member.
 */
export function imageTarget(img: ImageRecord, memberId?: string): Record<string, unknown> {
  const { row } = img;
  return {
    ...img.properties,
    ...row,
    protected: Boolean(row.protected),
    os_hidden: Boolean(row.os_hidden),
    image_id: row.id,
    project_id: row.owner,
    tags: img.tags,
    ...(memberId !== undefined && { member_id: memberId, member: memberId }),
  };
}

/** The payload of image.create / image.update / image.delete notifications (glance/notifier.py's shape). */
export function notificationPayload(img: ImageRecord, deleted = false, deletedAt: string | null = null) {
  const { row } = img;
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
    min_disk: row.min_disk,
    min_ram: row.min_ram,
    protected: Boolean(row.protected),
    checksum: row.checksum,
    owner: row.owner,
    disk_format: row.disk_format,
    container_format: row.container_format,
    size: row.size === null ? null : Number(row.size),
    virtual_size: row.virtual_size === null ? null : Number(row.virtual_size),
    is_public: row.visibility === 'public',
    visibility: row.visibility,
    properties: { ...img.properties },
    tags: [...img.tags],
    os_hidden: Boolean(row.os_hidden),
    os_hash_algo: row.os_hash_algo,
    os_hash_value: row.os_hash_value,
    deleted,
    deleted_at: deletedAt === null ? null : isoTime(deletedAt),
  };
}
