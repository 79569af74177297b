import { ApiError } from '../core/errors.ts';

/** An inclusive byte range, as a store reads it and Content-Range reports it. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The one range a `Range: bytes=…` header asks of `size` bytes: `a-b`, `a-` or the suffix `-n`. An end past
 * the data is clamped (RFC 9110 §14.1.2). A range starting past the end, a malformed header or several ranges
 * answer 416, as Glance (webob) does; Glance never serves multipart/byteranges.
 */
export function parseRange(header: string, size: number): ByteRange {
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) throw notSatisfiable(size);
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) throw notSatisfiable(size);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || (m[2] !== '' && Number(m[2]) < start)) throw notSatisfiable(size);
  return { start, end };
}

function notSatisfiable(size: number): ApiError {
  return new ApiError(416, 'Requested Range Not Satisfiable', `Requested range not satisfiable for ${size} bytes`);
}
