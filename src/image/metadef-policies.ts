/**
 * Glance's metadef policy defaults (glance/policies/metadef.py) as enforced with `enforce_new_defaults = false`:
 * each read rule also accepts its deprecated `rule:metadef_default` (always true), and every write is
 * `rule:metadef_admin` (admin only), which had no deprecated form. The target is the namespace:
 * `project_id` = its owner, `visibility`.
 */
import type { PolicyRule } from '../core/policy/enforcer.ts';

const ADMIN = 'rule:context_is_admin';
const PROJECT_READER = 'role:reader and project_id:%(project_id)s';
const READER_OR_PUBLIC = `role:reader and (project_id:%(project_id)s or 'public':%(visibility)s)`;
const GET_NAMESPACE = `${ADMIN} or (${READER_OR_PUBLIC})`;
const METADEF_DEFAULT = 'rule:metadef_default';
const METADEF_ADMIN = 'rule:metadef_admin';

const NS = '/v2/metadefs/namespaces/{namespace_name}';

const read = (name: string, check: string, method: string, path: string): PolicyRule => ({
  name,
  check: `(${check}) or (${METADEF_DEFAULT})`,
  scopeTypes: ['project'],
  operations: [{ method, path }],
});
const write = (name: string, method: string, path: string): PolicyRule => ({
  name,
  check: METADEF_ADMIN,
  scopeTypes: ['project'],
  operations: [{ method, path }],
});

export const metadefPolicies: readonly PolicyRule[] = [
  { name: 'metadef_default', check: '' },
  { name: 'metadef_admin', check: ADMIN },
  read('get_metadef_namespace', GET_NAMESPACE, 'GET', NS),
  read('get_metadef_namespaces', `${ADMIN} or (${PROJECT_READER})`, 'GET', '/v2/metadefs/namespaces'),
  write('modify_metadef_namespace', 'PUT', NS),
  write('add_metadef_namespace', 'POST', '/v2/metadefs/namespaces'),
  write('delete_metadef_namespace', 'DELETE', NS),
  read('get_metadef_object', GET_NAMESPACE, 'GET', `${NS}/objects/{object_name}`),
  read('get_metadef_objects', GET_NAMESPACE, 'GET', `${NS}/objects`),
  write('modify_metadef_object', 'PUT', `${NS}/objects/{object_name}`),
  write('add_metadef_object', 'POST', `${NS}/objects`),
  write('delete_metadef_object', 'DELETE', `${NS}/objects/{object_name}`),
  read('list_metadef_resource_types', GET_NAMESPACE, 'GET', '/v2/metadefs/resource_types'),
  read('get_metadef_resource_type', GET_NAMESPACE, 'GET', `${NS}/resource_types`),
  write('add_metadef_resource_type_association', 'POST', `${NS}/resource_types`),
  write('remove_metadef_resource_type_association', 'DELETE', `${NS}/resource_types/{name}`),
  read('get_metadef_property', GET_NAMESPACE, 'GET', `${NS}/properties/{property_name}`),
  read('get_metadef_properties', GET_NAMESPACE, 'GET', `${NS}/properties`),
  write('modify_metadef_property', 'PUT', `${NS}/properties/{property_name}`),
  write('add_metadef_property', 'POST', `${NS}/properties`),
  write('remove_metadef_property', 'DELETE', `${NS}/properties/{property_name}`),
  read('get_metadef_tag', GET_NAMESPACE, 'GET', `${NS}/tags/{tag_name}`),
  read('get_metadef_tags', GET_NAMESPACE, 'GET', `${NS}/tags`),
  write('modify_metadef_tag', 'PUT', `${NS}/tags/{tag_name}`),
  write('add_metadef_tag', 'POST', `${NS}/tags/{tag_name}`),
  write('add_metadef_tags', 'POST', `${NS}/tags`),
  write('delete_metadef_tag', 'DELETE', `${NS}/tags/{tag_name}`),
  write('delete_metadef_tags', 'DELETE', `${NS}/tags`),
];
