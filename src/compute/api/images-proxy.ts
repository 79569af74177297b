import { type Static, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { ServiceApp } from '../../core/http/service.ts';
import { imagePropertiesOf } from '../clients/image.ts';
import type { GlanceImage, ServiceAnswer } from '../clients/types.ts';
import type { ComputeDeps } from '../deps.ts';
import { badRequest, forbidden, notFound } from '../errors.ts';
import { imageDetail, imageMatches, imageSummary } from '../image-proxy-view.ts';
import { nextLinks, pageAfter, parseLimit, queryValue } from '../list-paging.ts';

/** The compute image API proxies Glance up to 2.35; its metadata sub-resource lives on until 2.38. */
const IMAGES_MAX = '2.35';
const IMAGE_METADATA_MAX = '2.38';
/** Nova's maxImageMeta (the absolute limit shown up to 2.38). */
const MAX_IMAGE_META = 128;

const JSON_PATCH = 'application/openstack-images-v2.1-json-patch';

const MetaValue = Type.String({ maxLength: 255 });
const MetadataBody = Type.Object(
  { metadata: Type.Record(Type.String({ minLength: 1, maxLength: 255 }), MetaValue) },
  { additionalProperties: false },
);
type MetadataBody = Static<typeof MetadataBody>;
const MetaItemBody = Type.Object(
  { meta: Type.Record(Type.String({ minLength: 1, maxLength: 255 }), MetaValue) },
  { additionalProperties: false },
);
type MetaItemBody = Static<typeof MetaItemBody>;

type IdParams = { image_id: string };
type KeyParams = { image_id: string; key: string };

export const proxyGone = () => notFound('The resource could not be found.');

/**
 * /images (Nova's image proxy over Glance v2, ≤ 2.35): list, detail, show, delete, and /images/{id}/metadata
 * (≤ 2.38). Every call carries the caller's token so Glance decides visibility.
 */
export function imagesProxyRoutes(app: ServiceApp, deps: ComputeDeps): void {
  const linkCtx = () => ({ url: deps.url, imageRoot: `${deps.publicUrl()}/image` });
  const token = (req: FastifyRequest) => ({ token: req.ctx.requireAuth().token });
  const gate = (req: FastifyRequest, max: string) => {
    if (!req.microversion.atMost(max)) throw proxyGone();
  };

  const fetchImage = async (req: FastifyRequest, id: string): Promise<GlanceImage> => {
    const res = await deps.image.request(token(req), 'GET', `/v2/images/${encodeURIComponent(id)}`);
    if (res.status !== 200) throw glanceError(res);
    return res.body as GlanceImage;
  };

  const allImages = async (req: FastifyRequest): Promise<GlanceImage[]> => {
    const out: GlanceImage[] = [];
    let path: string | undefined = '/v2/images?limit=1000';
    while (path) {
      const res = await deps.image.request(token(req), 'GET', path);
      if (res.status !== 200) throw glanceError(res);
      out.push(...(res.body.images as GlanceImage[]));
      path = res.body.images.length ? (res.body.next as string | undefined) : undefined;
    }
    return out;
  };

  const list = (detail: boolean) => async (req: FastifyRequest) => {
    gate(req, IMAGES_MAX);
    const query = req.query as Record<string, unknown>;
    const filters: Record<string, string> = {};
    for (const key of ['name', 'status', 'server', 'type', 'changes-since', 'minRam', 'minDisk']) {
      const v = queryValue(query[key]);
      if (v !== undefined) filters[key] = v;
    }
    for (const key of Object.keys(query)) if (key.startsWith('property-')) filters[key] = queryValue(query[key])!;
    if (filters['changes-since'] && Number.isNaN(Date.parse(filters['changes-since'])))
      throw badRequest(`Invalid filter value changes-since: ${filters['changes-since']}`);
    const limit = parseLimit(query.limit);
    const matching = (await allImages(req)).filter((img) => imageMatches(img, filters));
    const page = pageAfter(matching, (i) => i.id, queryValue(query.marker), limit);
    const images = page.map((img) => (detail ? imageDetail(linkCtx(), img) : imageSummary(linkCtx(), img)));
    const links = nextLinks(deps.url, detail ? '/images/detail' : '/images', query, page, limit, page.at(-1)?.id);
    return links ? { images, images_links: links } : { images };
  };

  app.get('/v2.1/images', list(false));
  app.get('/v2.1/images/detail', list(true));

  app.get<{ Params: IdParams }>('/v2.1/images/:image_id', async (req) => {
    gate(req, IMAGES_MAX);
    return { image: imageDetail(linkCtx(), await fetchImage(req, req.params.image_id)) };
  });

  app.delete<{ Params: IdParams }>('/v2.1/images/:image_id', async (req, reply) => {
    gate(req, IMAGES_MAX);
    const res = await deps.image.request(token(req), 'DELETE', `/v2/images/${encodeURIComponent(req.params.image_id)}`);
    if (res.status === 403) throw forbidden('Unable to delete image');
    if (res.status !== 204) throw glanceError(res);
    return reply.code(204).send();
  });

  // ---- /images/{id}/metadata ----

  const patch = async (req: FastifyRequest, img: GlanceImage, ops: unknown[]) => {
    if (ops.length === 0) return img;
    const sent = await deps.services.request(`${deps.publicUrl()}/image/v2/images/${encodeURIComponent(img.id)}`, {
      method: 'PATCH',
      userToken: token(req).token,
      headers: { 'content-type': JSON_PATCH },
      body: JSON.stringify(ops),
    });
    if (sent.status === 403) throw forbidden(glanceMessage(sent) ?? 'Not allowed to modify this image.');
    if (sent.status === 409 || sent.status === 400) throw badRequest(glanceMessage(sent) ?? 'Invalid image metadata');
    if (sent.status !== 200) throw glanceError(sent);
    return sent.body as GlanceImage;
  };

  const setOps = (img: GlanceImage, wanted: Record<string, string>, replaceAll: boolean) => {
    const current = imagePropertiesOf(img);
    const ops: unknown[] = [];
    if (replaceAll)
      for (const key of Object.keys(current))
        if (!(key in wanted)) ops.push({ op: 'remove', path: `/${pointer(key)}` });
    for (const [key, value] of Object.entries(wanted))
      if (current[key] !== value) ops.push({ op: key in current ? 'replace' : 'add', path: `/${pointer(key)}`, value });
    const after = replaceAll
      ? Object.keys(wanted).length
      : new Set([...Object.keys(current), ...Object.keys(wanted)]).size;
    if (after > MAX_IMAGE_META) throw forbidden('Image metadata limit exceeded');
    return ops;
  };

  app.get<{ Params: IdParams }>('/v2.1/images/:image_id/metadata', async (req) => {
    gate(req, IMAGE_METADATA_MAX);
    return { metadata: imagePropertiesOf(await fetchImage(req, req.params.image_id)) };
  });

  app.put<{ Params: IdParams; Body: MetadataBody }>(
    '/v2.1/images/:image_id/metadata',
    { schema: { body: MetadataBody } },
    async (req) => {
      gate(req, IMAGE_METADATA_MAX);
      const img = await fetchImage(req, req.params.image_id);
      const after = await patch(req, img, setOps(img, req.body.metadata, true));
      return { metadata: imagePropertiesOf(after) };
    },
  );

  app.post<{ Params: IdParams; Body: MetadataBody }>(
    '/v2.1/images/:image_id/metadata',
    { schema: { body: MetadataBody } },
    async (req) => {
      gate(req, IMAGE_METADATA_MAX);
      const img = await fetchImage(req, req.params.image_id);
      const after = await patch(req, img, setOps(img, req.body.metadata, false));
      return { metadata: imagePropertiesOf(after) };
    },
  );

  app.get<{ Params: KeyParams }>('/v2.1/images/:image_id/metadata/:key', async (req) => {
    gate(req, IMAGE_METADATA_MAX);
    const props = imagePropertiesOf(await fetchImage(req, req.params.image_id));
    if (!(req.params.key in props)) throw notFound('Invalid metadata key');
    return { meta: { [req.params.key]: props[req.params.key] } };
  });

  app.put<{ Params: KeyParams; Body: MetaItemBody }>(
    '/v2.1/images/:image_id/metadata/:key',
    { schema: { body: MetaItemBody } },
    async (req) => {
      gate(req, IMAGE_METADATA_MAX);
      const entries = Object.entries(req.body.meta);
      if (entries.length > 1) throw badRequest('Request body contains too many items');
      if (entries.length === 0 || entries[0][0] !== req.params.key) throw badRequest('Request body and URI mismatch');
      const img = await fetchImage(req, req.params.image_id);
      await patch(req, img, setOps(img, req.body.meta, false));
      return { meta: req.body.meta };
    },
  );

  app.delete<{ Params: KeyParams }>('/v2.1/images/:image_id/metadata/:key', async (req, reply) => {
    gate(req, IMAGE_METADATA_MAX);
    const img = await fetchImage(req, req.params.image_id);
    if (!(req.params.key in imagePropertiesOf(img))) throw notFound('Invalid metadata key');
    await patch(req, img, [{ op: 'remove', path: `/${pointer(req.params.key)}` }]);
    return reply.code(204).send();
  });
}

/** JSON pointer escaping of one property name. */
const pointer = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

function glanceMessage(res: ServiceAnswer): string | undefined {
  const body = res.body;
  if (typeof body === 'string') return body.split('\n').filter(Boolean).at(-1);
  return body?.message ?? body?.error?.message;
}

/** Glance's failures in Nova's words: a missing (or invisible) image is `Image not found.`. */
function glanceError(res: ServiceAnswer): Error {
  if (res.status === 404 || res.status === 400) return notFound('Image not found.');
  if (res.status === 403) return forbidden('Image not found.');
  return new Error(`image service answered ${res.status}: ${JSON.stringify(res.body ?? '').slice(0, 200)}`);
}
