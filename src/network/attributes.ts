import { isIP } from 'node:net';
import { badRequest, invalidInput } from './errors.ts';

/**
 * Neutron's resource attribute maps, as data: for each attribute of a resource, whether a client may set it on
 * create and on update, its default, how a value is checked and converted, and whether lists filter and sort by
 * it. Request bodies and list queries are both read through these, so every resource answers bad input alike.
 */
export interface Attr {
  /** Checks and converts one value; throws `invalidInput`. */
  parse: Validator;
  /** Settable on create; `required` makes it mandatory there. */
  post?: boolean;
  required?: boolean;
  /** Settable on update. */
  put?: boolean;
  /** The value on create when the client gives none (a function for per-request defaults). */
  default?: unknown;
  /** Lists may filter on it (`?name=x`); the column it lives in, when not its own name. */
  filter?: boolean;
  column?: string;
  /** Lists may sort on it. */
  sort?: boolean;
}

export type AttrMap = Record<string, Attr>;
export type Validator = (value: unknown, name: string) => unknown;

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const MAC = /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i;

export const v = {
  string(max = 255): Validator {
    return (value, name) => {
      if (typeof value !== 'string') throw invalidInput(name, `'${show(value)}' is not a valid string`);
      if (max > 0 && value.length > max) throw invalidInput(name, `'${value}' exceeds maximum length of ${max}`);
      return value;
    };
  },
  /** Neutron's convert_to_boolean: true/false, "true"/"false" in any case, 1/0 and "1"/"0". */
  boolean(): Validator {
    return (value, name) => {
      if (typeof value === 'boolean') return value;
      const s = String(value).toLowerCase();
      if (s === 'true' || s === '1') return true;
      if (s === 'false' || s === '0') return false;
      throw invalidInput(name, `'${show(value)}' cannot be converted to boolean`);
    };
  },
  integer(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): Validator {
    return (value, name) => {
      const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n)) throw invalidInput(name, `'${show(value)}' is not an integer`);
      if (n < min) throw invalidInput(name, `'${n}' is too small - must be at least '${min}'`);
      if (n > max) throw invalidInput(name, `'${n}' is too large - must be no larger than '${max}'`);
      return n;
    };
  },
  uuid(): Validator {
    return (value, name) => {
      if (typeof value !== 'string' || !UUID.test(value))
        throw invalidInput(name, `'${show(value)}' is not a valid UUID`);
      return value;
    };
  },
  oneOf(...allowed: readonly (string | number | null)[]): Validator {
    return (value, name) => {
      if (!allowed.includes(value as string)) throw invalidInput(name, `'${show(value)}' is not in ${pyList(allowed)}`);
      return value;
    };
  },
  ip(version?: 4 | 6): Validator {
    return (value, name) => {
      const kind = typeof value === 'string' ? isIP(value) : 0;
      if (kind === 0 || (version && kind !== version))
        throw invalidInput(name, `'${show(value)}' is not a valid IP address`);
      return value;
    };
  },
  mac(): Validator {
    return (value, name) => {
      if (typeof value !== 'string' || !MAC.test(value) || /^(00[:-]){5}00$/.test(value) || isMulticastMac(value))
        throw invalidInput(name, `'${show(value)}' is not a valid MAC address`);
      return value.toLowerCase().replaceAll('-', ':');
    };
  },
  /** Any JSON object (Neutron's type:dict_or_nodata / binding:profile). */
  dict(): Validator {
    return (value, name) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        throw invalidInput(name, `'${show(value)}' is not a dictionary`);
      return value;
    };
  },
  list(item: Validator, opts: { unique?: boolean } = {}): Validator {
    return (value, name) => {
      if (!Array.isArray(value)) throw invalidInput(name, `'${show(value)}' is not a list`);
      const out = value.map((x) => item(x, name));
      if (opts.unique && new Set(out.map((x) => JSON.stringify(x))).size !== out.length)
        throw invalidInput(name, `Duplicate items in the list: '${show(value)}'`);
      return out;
    };
  },
  nullable(inner: Validator): Validator {
    return (value, name) => (value === null ? null : inner(value, name));
  },
  /** Read-only attributes: shown, never set. */
  any(): Validator {
    return (value) => value;
  },
};

function isMulticastMac(mac: string): boolean {
  return (Number.parseInt(mac.slice(0, 2), 16) & 1) === 1;
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function pyList(items: readonly unknown[]): string {
  return `[${items.map((i) => (typeof i === 'string' ? `'${i}'` : String(i))).join(', ')}]`;
}

/**
 * The member of a request body (`{"network": {...}}`), or each member of a bulk body (`{"networks": [...]}`)
 * when `bulk` allows it. Anything else is Neutron's 400.
 */
export function bodyMembers(
  body: unknown,
  member: string,
  collection: string,
  bulk: boolean,
): Record<string, unknown>[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw badRequest('Body contains invalid data', 'HTTPBadRequest');
  const b = body as Record<string, unknown>;
  if (bulk && Array.isArray(b[collection])) {
    const items = b[collection] as unknown[];
    if (items.length === 0) throw badRequest(`Resources required`);
    // Neutron also accepts each item wrapped in its member name ({"ports": [{"port": {...}}]}).
    return items.map((item) => asObject(isWrapped(item, member) ? item[member] : item, member));
  }
  if (!(member in b)) throw badRequest(`Resource body required`);
  return [asObject(b[member], member)];
}

function isWrapped(item: unknown, member: string): item is Record<string, unknown> {
  return item !== null && typeof item === 'object' && !Array.isArray(item) && member in item;
}

function asObject(value: unknown, member: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw badRequest(`Invalid input for ${member}. Reason: Body contains invalid data.`);
  return value as Record<string, unknown>;
}

/**
 * Validates a create body against the map: unknown attributes, read-only ones and missing required ones are 400;
 * defaults fill the rest. `tenant_id` and `project_id` are one attribute (they must agree when both are given).
 */
export function parseCreate(attrs: AttrMap, input: Record<string, unknown>): Record<string, unknown> {
  const body = mergeProject(input);
  rejectUnknown(attrs, body);
  const out: Record<string, unknown> = {};
  for (const [name, attr] of Object.entries(attrs)) {
    if (name in body) {
      if (!attr.post) throw badRequest(`Attribute '${name}' not allowed in POST`);
      out[name] = attr.parse(body[name], name);
    } else if (attr.required) {
      throw badRequest(`Failed to parse request. Required attribute '${name}' not specified`);
    } else if (attr.default !== undefined) {
      out[name] =
        typeof attr.default === 'function' ? (attr.default as () => unknown)() : structuredClone(attr.default);
    }
  }
  return out;
}

/** Validates an update body: only attributes settable on update, each converted. */
export function parseUpdate(attrs: AttrMap, input: Record<string, unknown>): Record<string, unknown> {
  const body = mergeProject(input);
  rejectUnknown(attrs, body);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    if (!attrs[name].put) throw badRequest(`Cannot update read-only attribute ${name}`);
    out[name] = attrs[name].parse(value, name);
  }
  return out;
}

function mergeProject(input: Record<string, unknown>): Record<string, unknown> {
  const body = { ...input };
  if ('tenant_id' in body) {
    if ('project_id' in body && body.project_id !== body.tenant_id)
      throw badRequest("'project_id' and 'tenant_id' do not match");
    body.project_id = body.tenant_id;
    delete body.tenant_id;
  }
  return body;
}

function rejectUnknown(attrs: AttrMap, body: Record<string, unknown>): void {
  const unknown = Object.keys(body).filter((k) => !(k in attrs));
  if (unknown.length > 0) throw badRequest(`Unrecognized attribute(s) '${unknown.join(', ')}'`);
}
