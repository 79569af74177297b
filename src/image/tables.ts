import type { Kysely } from 'kysely';

/** The Image service's tables; only files under src/image name them. */
export interface ImageTables {
  images: ImageRow;
  image_properties: { image_id: string; name: string; value: string };
  image_tags: { image_id: string; value: string };
  image_members: ImageMemberRow;
  image_locations: { image_id: string; store: string; url: string; status: string };
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
