import { imagePropertiesOf } from './clients/image.ts';
import type { GlanceImage } from './clients/types.ts';

/** Nova's image status from Glance's (glance v1 names, uppercased; anything else UNKNOWN). */
const STATUS: Record<string, string> = {
  queued: 'SAVING',
  saving: 'SAVING',
  uploading: 'SAVING',
  importing: 'SAVING',
  active: 'ACTIVE',
  killed: 'ERROR',
  deleted: 'DELETED',
  pending_delete: 'DELETED',
  deactivated: 'ERROR',
};

/** Nova's `progress`: how far a snapshot got by Glance's status. */
const PROGRESS: Record<string, number> = { queued: 25, saving: 50, active: 100 };

export const novaImageStatus = (glanceStatus: string): string => STATUS[glanceStatus] ?? 'UNKNOWN';

export interface ImageLinkContext {
  /** Absolute URL under /compute. */
  url(path: string): string;
  /** The Image service root ('http://host/image'), for the `alternate` link. */
  imageRoot: string;
}

export function imageLinks(ctx: ImageLinkContext, id: string) {
  return [
    { rel: 'self', href: ctx.url(`/v2.1/images/${id}`) },
    { rel: 'bookmark', href: ctx.url(`/images/${id}`) },
    { rel: 'alternate', type: 'application/vnd.openstack.image', href: `${ctx.imageRoot}/images/${id}` },
  ];
}

/** Glance timestamps without a fraction, as Nova shows them (`2026-12-03T14:20:16Z`). */
const isoSeconds = (t: string): string => {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? t : `${d.toISOString().slice(0, 19)}Z`;
};

export const imageSummary = (ctx: ImageLinkContext, img: GlanceImage) => ({
  id: img.id,
  name: img.name,
  links: imageLinks(ctx, img.id),
});

/** The 2.1 image view of GET /images/{id} and /images/detail. */
export function imageDetail(ctx: ImageLinkContext, img: GlanceImage): Record<string, unknown> {
  const metadata = imagePropertiesOf(img);
  const view: Record<string, unknown> = {
    id: img.id,
    name: img.name,
    minRam: img.min_ram ?? 0,
    minDisk: img.min_disk ?? 0,
    metadata,
    created: isoSeconds(img.created_at),
    updated: isoSeconds(img.updated_at),
    status: novaImageStatus(img.status),
    progress: PROGRESS[img.status] ?? 0,
    links: imageLinks(ctx, img.id),
    'OS-EXT-IMG-SIZE:size': img.size ?? null,
  };
  const server = metadata.instance_uuid;
  if (typeof server === 'string' && server)
    view.server = {
      id: server,
      links: [
        { rel: 'self', href: ctx.url(`/v2.1/servers/${server}`) },
        { rel: 'bookmark', href: ctx.url(`/servers/${server}`) },
      ],
    };
  const autoDisk = metadata.auto_disk_config;
  if (autoDisk !== undefined) view['OS-DCF:diskConfig'] = String(autoDisk).toLowerCase() === 'true' ? 'AUTO' : 'MANUAL';
  return view;
}

/**
 * Nova's image list filters applied to Glance images: name, status (Nova's names), server (an instance uuid
 * or a server link), type (image_type property), changes-since, minRam, minDisk; `property-*` too.
 */
export function imageMatches(img: GlanceImage, query: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(query)) {
    switch (key) {
      case 'name':
        if (img.name !== value) return false;
        break;
      case 'status':
        if (novaImageStatus(img.status) !== value.toUpperCase() && img.status !== value.toLowerCase()) return false;
        break;
      case 'server': {
        const uuid = value.split('/').at(-1);
        if (img.instance_uuid !== uuid) return false;
        break;
      }
      case 'type':
        if (img.image_type !== value) return false;
        break;
      case 'changes-since': {
        const since = Date.parse(value);
        if (!Number.isNaN(since) && Date.parse(img.updated_at) < since) return false;
        break;
      }
      case 'minRam':
        if ((img.min_ram ?? 0) < Number(value)) return false;
        break;
      case 'minDisk':
        if ((img.min_disk ?? 0) < Number(value)) return false;
        break;
      default:
        if (key.startsWith('property-') && String(img[key.slice('property-'.length)]) !== value) return false;
    }
  }
  return true;
}
