/** Conversions between stored rows and wire values, shared by every identity store. */

export const toBool = (n: number | null | undefined): boolean => n === 1 || (n as unknown) === true;
export const fromBool = (b: boolean | undefined, fallback = true): number => ((b ?? fallback) ? 1 : 0);

export function parseObject(text: string | null | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}

export function parseList<T = string>(text: string | null | undefined): T[] {
  if (!text) return [];
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

/**
 * Splits a request entity into known columns and the free-form rest that Keystone keeps in `extra`
 * (clients may set any attribute and read it back).
 */
export function splitExtra<K extends string>(
  body: Record<string, unknown>,
  known: readonly K[],
): [Partial<Record<K, unknown>>, Record<string, unknown>] {
  const cols: Partial<Record<K, unknown>> = {};
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if ((known as readonly string[]).includes(k)) cols[k as K] = v;
    else if (k !== 'id' && k !== 'links') extra[k] = v;
  }
  return [cols, extra];
}

/** Keystone reads boolean query parameters loosely: present and not "0"/"false" means yes. */
export const queryFlag = (v: string | undefined): boolean =>
  v !== undefined && !['0', 'false', 'False', 'FALSE', 'no'].includes(v);
