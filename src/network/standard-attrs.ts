import type { FastifyRequest } from 'fastify';
import { ApiError } from '../core/errors.ts';
import { type AttrMap, v } from './attributes.ts';

/**
 * Neutron's standard attributes, on every resource: `id`, the owning project (shown as both `project_id` and
 * `tenant_id`), `description`, `created_at`/`updated_at` and `revision_number` (bumped by every change, checked
 * by `If-Match`), and `tags`. Each resource table carries these columns.
 */
export interface StandardColumns {
  id: string;
  project_id: string;
  description: string;
  created_at: string;
  updated_at: string;
  revision_number: number;
}

export const STANDARD_ATTRS: AttrMap = {
  id: { parse: v.uuid(), filter: true, sort: true },
  project_id: { parse: v.string(255), post: true, filter: true, sort: true },
  description: { parse: v.string(255), post: true, put: true, default: '', filter: true, sort: true },
  created_at: { parse: v.string(), filter: true, sort: true },
  updated_at: { parse: v.string(), filter: true, sort: true },
  revision_number: { parse: v.integer(0), filter: true, sort: true },
};

/** The standard columns of a new row, owned by `projectId`. */
export function newStandardColumns(id: string, projectId: string, description = ''): StandardColumns {
  const now = isoNow();
  return { id, project_id: projectId, description, created_at: now, updated_at: now, revision_number: 0 };
}

/** What an update writes besides its own changes. */
export function bumped(
  row: Pick<StandardColumns, 'revision_number'>,
): Pick<StandardColumns, 'updated_at' | 'revision_number'> {
  return { updated_at: isoNow(), revision_number: row.revision_number + 1 };
}

/** The standard part of a resource's view. */
export function standardView(row: StandardColumns, tags: readonly string[]): Record<string, unknown> {
  return {
    id: row.id,
    project_id: row.project_id,
    tenant_id: row.project_id,
    description: row.description,
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
    tags: [...tags],
  };
}

/** Neutron's timestamps: `2024-05-01T12:00:00Z`, whole seconds. */
export function isoNow(): string {
  return `${new Date().toISOString().slice(0, 19)}Z`;
}

/**
 * `If-Match: revision_number=N` on an update or delete: the change applies only if the resource is still at
 * revision N (several constraints may be given; all must hold). Otherwise 412, as Neutron answers.
 */
export function checkIfMatch(req: FastifyRequest, row: Pick<StandardColumns, 'revision_number'>): void {
  const header = req.headers['if-match'];
  if (header === undefined) return;
  for (const part of String(header).split(',')) {
    // Neutron reads the number as any int: a stale `revision_number=-1` is a 412, not a 400.
    const m = /^\s*revision_number=(-?\d+)\s*$/.exec(part);
    if (!m) throw new ApiError(400, 'HTTPBadRequest', `Invalid If-Match header: ${part.trim()}`);
    if (Number(m[1]) !== row.revision_number)
      throw new ApiError(
        412,
        'RevisionNumberConstraintFailed',
        `Constrained to ${m[1]}, but current revision is ${row.revision_number}`,
      );
  }
}
