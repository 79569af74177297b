/**
 * Glance's default policy rules (glance/policies/base.py and image.py), as Glance enforces them with
 * `[oslo_policy] enforce_scope = false` and `enforce_new_defaults = false` (Tempest's Zed configuration): a rule
 * that replaced an older default accepts either. Every deprecated image rule was `rule:default`, and `default` is
 * itself `''` (always) or its deprecated `rule:context_is_admin`, so in this mode the policy layer passes nearly
 * everything; the admin-or-owner checks Glance keeps in code for this mode live in the route handlers.
 *
 * TARGET: Glance's ImageTarget: the image's attributes by name, with `project_id` = the image owner,
 * `member_id` = the caller's project when it is a member of the image, `visibility`, and every free-form property.
 * For `add_image` (no image yet): `{ project_id, owner, visibility }` from the request body.
 */
import { orDeprecated } from '../core/policy/deprecated-rule.ts';
import type { PolicyRule } from '../core/policy/enforcer.ts';
import { metadefPolicies } from './metadef-policies.ts';

const ADMIN = 'rule:context_is_admin';
const DEFAULT = 'rule:default';
const PROJECT_MEMBER = 'role:member and project_id:%(project_id)s';
const PROJECT_READER = 'role:reader and project_id:%(project_id)s';
const IMAGE_MEMBER = 'project_id:%(member_id)s';
const VISIBLE = `project_id:%(project_id)s or ${IMAGE_MEMBER} or 'community':%(visibility)s or 'public':%(visibility)s or 'shared':%(visibility)s`;
const ADMIN_OR_PROJECT_MEMBER = `${ADMIN} or (${PROJECT_MEMBER})`;
const ADMIN_OR_PROJECT_READER = `${ADMIN} or (${PROJECT_READER})`;
const ADMIN_OR_READER_GET_IMAGE = `${ADMIN} or (role:reader and (${VISIBLE}))`;
const ADMIN_OR_MEMBER_DOWNLOAD = `${ADMIN} or (role:member and (${VISIBLE}))`;
const ADMIN_OR_MEMBER_CREATE = `${ADMIN} or (${PROJECT_MEMBER} and project_id:%(owner)s)`;
const ADMIN_OR_SHARED_MEMBER = `${ADMIN} or (role:member and ${IMAGE_MEMBER})`;
// Glance's string has no parentheses around the reader half; oslo's `or` binds looser than `and`, as ours does.
const ADMIN_OR_READER_OR_SHARED_MEMBER = `${ADMIN} or role:reader and (project_id:%(project_id)s or ${IMAGE_MEMBER})`;
const SERVICE = 'rule:service_api';
const SERVICE_OR_PROJECT_MEMBER = `${SERVICE} or (${PROJECT_MEMBER} and project_id:%(owner)s)`;

const withDefault = (name: string, check: string, operations: string[]): PolicyRule => ({
  name,
  check: orDeprecated(check, DEFAULT),
  scopeTypes: ['project'],
  operations: operations.map((op) => {
    const [method, path] = op.split(' ');
    return { method, path };
  }),
});

const plain = (name: string, check: string): PolicyRule => ({ name, check, scopeTypes: ['project'] });

export const imagePolicies: readonly PolicyRule[] = [
  { name: 'default', check: orDeprecated('@', ADMIN) },
  { name: 'context_is_admin', check: 'role:admin' },
  { name: 'service_api', check: 'role:service or role:admin' },
  withDefault('add_image', ADMIN_OR_MEMBER_CREATE, ['POST /v2/images']),
  withDefault('delete_image', ADMIN_OR_PROJECT_MEMBER, ['DELETE /v2/images/{image_id}']),
  withDefault('get_image', ADMIN_OR_READER_GET_IMAGE, ['GET /v2/images/{image_id}']),
  withDefault('get_images', ADMIN_OR_PROJECT_READER, ['GET /v2/images']),
  withDefault('modify_image', ADMIN_OR_PROJECT_MEMBER, ['PATCH /v2/images/{image_id}']),
  plain('publicize_image', ADMIN),
  withDefault('communitize_image', ADMIN_OR_PROJECT_MEMBER, ['PATCH /v2/images/{image_id}']),
  withDefault('download_image', ADMIN_OR_MEMBER_DOWNLOAD, ['GET /v2/images/{image_id}/file']),
  plain('download_from_store', ADMIN_OR_MEMBER_DOWNLOAD),
  withDefault('upload_image', ADMIN_OR_PROJECT_MEMBER, ['PUT /v2/images/{image_id}/file']),
  withDefault('delete_image_location', ADMIN, ['PATCH /v2/images/{image_id}']),
  withDefault('get_image_location', ADMIN_OR_PROJECT_READER, ['GET /v2/images/{image_id}']),
  withDefault('set_image_location', ADMIN_OR_PROJECT_MEMBER, ['PATCH /v2/images/{image_id}']),
  plain('add_image_location', SERVICE_OR_PROJECT_MEMBER),
  plain('fetch_image_location', SERVICE),
  withDefault('add_member', ADMIN_OR_PROJECT_MEMBER, ['POST /v2/images/{image_id}/members']),
  withDefault('delete_member', ADMIN_OR_PROJECT_MEMBER, ['DELETE /v2/images/{image_id}/members/{member_id}']),
  withDefault('get_member', ADMIN_OR_READER_OR_SHARED_MEMBER, ['GET /v2/images/{image_id}/members/{member_id}']),
  withDefault('get_members', ADMIN_OR_READER_OR_SHARED_MEMBER, ['GET /v2/images/{image_id}/members']),
  withDefault('modify_member', ADMIN_OR_SHARED_MEMBER, ['PUT /v2/images/{image_id}/members/{member_id}']),
  plain('manage_image_cache', ADMIN),
  withDefault('deactivate', ADMIN_OR_PROJECT_MEMBER, ['POST /v2/images/{image_id}/actions/deactivate']),
  withDefault('reactivate', ADMIN_OR_PROJECT_MEMBER, ['POST /v2/images/{image_id}/actions/reactivate']),
  plain('copy_image', ADMIN),
  plain('list_cached_nodes', ADMIN),
  // glance/policies/tasks.py and discovery.py: the rules the import and info routes consult.
  plain('get_task', DEFAULT),
  plain('get_tasks', DEFAULT),
  plain('add_task', DEFAULT),
  plain('modify_task', DEFAULT),
  plain('tasks_api_access', ADMIN),
  { name: 'stores_info_detail', check: orDeprecated(`${ADMIN} or ${SERVICE}`, ADMIN), scopeTypes: ['project'] },
  // glance/policies/metadef.py
  ...metadefPolicies,
];
