/**
 * The metadata of one instance as a tree of directories and files, the shape both the metadata service (paths
 * under http://169.254.169.254/) and the config drive (files on a disk) serve. A directory lists its entries one
 * a line, subdirectories with a trailing '/', as Nova's metadata service answers.
 */
export type MetadataNode = MetadataDir | MetadataFile;

/** A file's bytes; a list of strings is an EC2 multi-value key (security-groups), served one a line. */
export type MetadataFile = string | Uint8Array | readonly string[];

export interface MetadataDir {
  readonly kind: 'dir';
  readonly entries: ReadonlyMap<string, MetadataNode>;
  /**
   * What the parent's listing shows for this directory instead of `name/`: EC2 lists a public key as
   * `0=<key name>` while its path stays `public-keys/0/`.
   */
  readonly label?: string;
  /** Entries that resolve but are not listed (the service's root lists the EC2 versions, not `openstack`). */
  readonly unlisted?: ReadonlySet<string>;
  /** Subdirectories listed without the '/': Nova lists format versions as plain names. */
  readonly plainNames?: boolean;
}

export function dir(
  entries: Iterable<readonly [string, MetadataNode | undefined]>,
  opts: { label?: string; unlisted?: string[]; plainNames?: boolean } = {},
): MetadataDir {
  const kept = new Map<string, MetadataNode>();
  for (const [name, node] of entries) if (node !== undefined) kept.set(name, node);
  return {
    kind: 'dir',
    entries: kept,
    ...(opts.label !== undefined && { label: opts.label }),
    ...(opts.unlisted && { unlisted: new Set(opts.unlisted) }),
    ...(opts.plainNames && { plainNames: true }),
  };
}

export const isDir = (node: MetadataNode): node is MetadataDir =>
  typeof node === 'object' && !Array.isArray(node) && !(node instanceof Uint8Array);

/** The node at a slash-separated path ('' or '/' is the root); undefined when there is none. */
export function lookup(root: MetadataDir, path: string): MetadataNode | undefined {
  let node: MetadataNode = root;
  for (const part of path.split('/')) {
    if (part === '') continue;
    if (!isDir(node)) return undefined;
    const next = node.entries.get(part);
    if (next === undefined) return undefined;
    node = next;
  }
  return node;
}

/** A directory's listing: one entry a line, no newline after the last (Nova's answer). */
export function listing(node: MetadataDir): string {
  const lines: string[] = [];
  for (const [name, child] of node.entries) {
    if (node.unlisted?.has(name)) continue;
    lines.push(isDir(child) && !node.plainNames ? (child.label ?? `${name}/`) : name);
  }
  return lines.join('\n');
}

/** The bytes a file serves. */
export function fileBody(file: MetadataFile): string | Uint8Array {
  if (typeof file === 'string' || file instanceof Uint8Array) return file;
  return file.join('\n');
}

/**
 * A directory as a JSON value (the config drive's `ec2/<version>/meta-data.json`): subdirectories become objects,
 * a labelled one keeps its label under `_name` as Nova writes it, lists stay arrays.
 */
export function toJsonValue(node: MetadataNode): unknown {
  if (!isDir(node)) return node instanceof Uint8Array ? Buffer.from(node).toString('utf8') : node;
  const out: Record<string, unknown> = {};
  if (node.label !== undefined) out._name = node.label;
  for (const [name, child] of node.entries) out[name] = toJsonValue(child);
  return out;
}

/** Every file under a directory with its path relative to it (what the config drive writes out). */
export function* filesOf(node: MetadataDir, prefix = ''): Generator<[string, MetadataFile]> {
  for (const [name, child] of node.entries) {
    const path = prefix ? `${prefix}/${name}` : name;
    if (isDir(child)) yield* filesOf(child, path);
    else yield [path, child];
  }
}
