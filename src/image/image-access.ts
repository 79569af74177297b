import type { FastifyRequest } from 'fastify';
import { Forbidden } from '../core/errors.ts';
import type { ImageDeps } from './deps.ts';
import { imageTarget } from './image-view.ts';
import { findImage, type ImageRecord, memberStatusOf, notFound } from './store/images.ts';

/**
 * Who may see and change an image, as Glance decides it with enforce_new_defaults off: the DB layer hides images a
 * project may not see (404), the policy rules run on what remains, and the owner-or-admin check Glance keeps in code
 * for this mode guards every write (403).
 */
export interface Caller {
  projectId: string | null;
  isAdmin: boolean;
}

export function callerOf(req: FastifyRequest): Caller {
  const auth = req.ctx.requireAuth();
  return { projectId: auth.projectId ?? null, isAdmin: req.ctx.allowed('context_is_admin') };
}

/** Owner, public and community images, and shared ones the caller is a member of (any member status). */
export function canSee(img: ImageRecord, caller: Caller, memberStatus: string | undefined): boolean {
  if (caller.isAdmin) return true;
  const v = img.row.visibility;
  if (v === 'public' || v === 'community') return true;
  if (caller.projectId !== null && img.row.owner === caller.projectId) return true;
  return v === 'shared' && memberStatus !== undefined;
}

export interface VisibleImage {
  img: ImageRecord;
  caller: Caller;
  /** The policy target for this image and caller. */
  target: Record<string, unknown>;
}

/** The image if the caller may see it and `get_image` allows it; else 404, as Glance hides rather than refuses. */
export async function loadVisibleImage(req: FastifyRequest, deps: ImageDeps, id: string): Promise<VisibleImage> {
  const caller = callerOf(req);
  const img = await findImage(deps.db, id);
  if (!img) throw notFound(id);
  const memberStatus = await memberStatusOf(deps.db, id, caller.projectId);
  if (!canSee(img, caller, memberStatus)) throw notFound(id);
  const target = imageTarget(img, memberStatus === undefined ? undefined : (caller.projectId ?? undefined));
  if (!req.ctx.allowed('get_image', target)) throw notFound(id);
  return { img, caller, target };
}

/**
 * Enforces a write rule on a visible image: a policy denial reads as 404 when the caller may not even read it
 * (Glance's ImageAPIPolicy), then the owner-or-admin check.
 */
export function enforceWrite(req: FastifyRequest, seen: VisibleImage, rule: string): void {
  if (!req.ctx.allowed(rule, seen.target)) {
    if (!req.ctx.allowed('get_image', seen.target)) throw notFound(seen.img.row.id);
    throw new Forbidden(`You are not authorized to perform the requested action: ${rule}.`);
  }
  requireOwnerOrAdmin(seen);
}

export function requireOwnerOrAdmin({ img, caller }: Pick<VisibleImage, 'img' | 'caller'>): void {
  if (caller.isAdmin) return;
  if (img.row.owner === null || caller.projectId === null || img.row.owner !== caller.projectId)
    throw new Forbidden('You do not own this image');
}

/** Glance's visibility rules: making an image public needs `publicize_image`, community `communitize_image`. */
export function enforceVisibility(req: FastifyRequest, visibility: unknown, target: Record<string, unknown>): void {
  if (visibility === 'public') req.ctx.enforce('publicize_image', target);
  else if (visibility === 'community') req.ctx.enforce('communitize_image', target);
}

export function notifyImage(deps: ImageDeps, eventType: string, payload: unknown): Promise<void> {
  return deps.bus.notify({
    event_type: eventType,
    publisher_id: 'image',
    priority: 'INFO',
    payload,
    timestamp: new Date().toISOString(),
  });
}
