import type { Kysely } from 'kysely';

/** The Image service's tables; only files under src/image name them. */
export interface ImageTables extends MetadefTables {
  images: ImageRow;
  image_properties: { image_id: string; name: string; value: string };
  image_tags: { image_id: string; value: string };
  image_members: ImageMemberRow;
  image_locations: { image_id: string; store: string; url: string; status: string };
  image_tasks: TaskRow;
}

export type ImageDb = Kysely<ImageTables>;

export type ImageStatus =
  | 'queued'
  | 'saving'
  | 'active'
  | 'killed'
  | 'deleted'
  | 'pending_delete'
  | 'deactivated'
  | 'uploading'
  | 'importing';
export type Visibility = 'public' | 'private' | 'shared' | 'community';

export interface ImageRow {
  id: string;
  name: string | null;
  status: ImageStatus;
  visibility: Visibility;
  protected: number;
  os_hidden: number;
  owner: string | null;
  disk_format: string | null;
  container_format: string | null;
  size: number | null;
  virtual_size: number | null;
  checksum: string | null;
  os_hash_algo: string | null;
  os_hash_value: string | null;
  min_disk: number;
  min_ram: number;
  created_at: string;
  updated_at: string;
}

export interface ImageMemberRow {
  image_id: string;
  member: string;
  status: 'pending' | 'accepted' | 'rejected';
  created_at: string;
  updated_at: string;
}

/** Glance's metadata definitions (migration 0002-metadefs); only src/image/store/metadefs-*.ts name them. */
export interface MetadefTables {
  metadef_namespaces: MetadefNamespaceRow;
  metadef_objects: MetadefChildRow;
  metadef_properties: MetadefChildRow;
  metadef_tags: MetadefChildRow;
  metadef_resource_types: { name: string; protected: number; created_at: string; updated_at: string };
  metadef_namespace_resource_types: MetadefAssociationRow;
}

export interface MetadefNamespaceRow {
  id: string;
  namespace: string;
  display_name: string | null;
  description: string | null;
  visibility: 'public' | 'private';
  protected: number;
  owner: string | null;
  created_at: string;
  updated_at: string;
}

/** An object, property or tag of a namespace; `body` is the JSON the API shows (empty for tags). */
export interface MetadefChildRow {
  id: string;
  namespace_id: string;
  name: string;
  body: string;
  seq: number;
  created_at: string;
  updated_at: string;
}

export interface MetadefAssociationRow {
  namespace_id: string;
  resource_type: string;
  prefix: string | null;
  properties_target: string | null;
  created_at: string;
  updated_at: string;
}

export type TaskStatus = 'pending' | 'processing' | 'success' | 'failure';

export interface TaskRow {
  id: string;
  type: string;
  status: TaskStatus;
  owner: string | null;
  image_id: string | null;
  request_id: string | null;
  user_id: string | null;
  /** JSON text. */
  input: string;
  /** JSON text, once the task has one. */
  result: string | null;
  message: string;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
}
