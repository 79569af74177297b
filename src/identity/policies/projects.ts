/**
 * Projects and project tags. `not None:%(target.project.domain_id)s` keeps a domain-scoped caller from matching a
 * record that has no domain.
 */
import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN, ops, orDeprecated, SYSTEM_READER } from './rule-parts.ts';

export const projectsRules: readonly PolicyRule[] = [
  {
    name: 'identity:get_project',
    check: orDeprecated(
      `rule:admin_required or (${SYSTEM_READER}) or (role:reader and domain_id:%(target.project.domain_id)s and not None:%(target.project.domain_id)s) or project_id:%(target.project.id)s`,
      'rule:admin_required or project_id:%(target.project.id)s',
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET /v3/projects/{project_id}'),
  },
  {
    name: 'identity:list_projects',
    check: orDeprecated(
      `rule:admin_required or (${SYSTEM_READER}) or (role:reader and domain_id:%(target.domain_id)s)`,
      ADMIN,
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET /v3/projects'),
  },
  {
    name: 'identity:list_user_projects',
    check: orDeprecated(
      `rule:admin_required or (${SYSTEM_READER}) or (role:reader and domain_id:%(target.user.domain_id)s) or user_id:%(target.user.id)s`,
      'rule:admin_or_owner',
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET /v3/users/{user_id}/projects'),
  },
  {
    name: 'identity:create_project',
    check: orDeprecated(
      'rule:admin_required or (role:manager and domain_id:%(target.project.domain_id)s and not None:%(target.project.domain_id)s)',
      ADMIN,
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('POST /v3/projects'),
  },
  {
    name: 'identity:update_project',
    check: orDeprecated(
      'rule:admin_required or (role:manager and domain_id:%(target.project.domain_id)s and not None:%(target.project.domain_id)s)',
      ADMIN,
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('PATCH /v3/projects/{project_id}'),
  },
  {
    name: 'identity:delete_project',
    check: orDeprecated(
      'rule:admin_required or (role:manager and domain_id:%(target.project.domain_id)s and not None:%(target.project.domain_id)s)',
      ADMIN,
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('DELETE /v3/projects/{project_id}'),
  },
  {
    name: 'identity:list_project_tags',
    check: orDeprecated(
      `rule:admin_required or (${SYSTEM_READER}) or (role:reader and domain_id:%(target.project.domain_id)s and not None:%(target.project.domain_id)s) or project_id:%(target.project.id)s`,
      'rule:admin_required or project_id:%(target.project.id)s',
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET HEAD /v3/projects/{project_id}/tags'),
  },
  {
    name: 'identity:get_project_tag',
    check: orDeprecated(
      `rule:admin_required or (${SYSTEM_READER}) or (role:reader and domain_id:%(target.project.domain_id)s and not None:%(target.project.domain_id)s) or project_id:%(target.project.id)s`,
      'rule:admin_required or project_id:%(target.project.id)s',
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET HEAD /v3/projects/{project_id}/tags/{value}'),
  },
  {
    name: 'identity:update_project_tags',
    check: orDeprecated(
      'rule:admin_required or (role:manager and domain_id:%(target.project.domain_id)s and not None:%(target.project.domain_id)s)',
      ADMIN,
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('PUT /v3/projects/{project_id}/tags'),
  },
  {
    name: 'identity:create_project_tag',
    check: orDeprecated(
      'rule:admin_required or (role:manager and domain_id:%(target.project.domain_id)s and not None:%(target.project.domain_id)s)',
      ADMIN,
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('PUT /v3/projects/{project_id}/tags/{value}'),
  },
  {
    name: 'identity:delete_project_tags',
    check: orDeprecated(
      'rule:admin_required or (role:manager and domain_id:%(target.project.domain_id)s and not None:%(target.project.domain_id)s)',
      ADMIN,
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('DELETE /v3/projects/{project_id}/tags'),
  },
  {
    name: 'identity:delete_project_tag',
    check: orDeprecated(
      'rule:admin_required or (role:manager and domain_id:%(target.project.domain_id)s and not None:%(target.project.domain_id)s)',
      ADMIN,
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('DELETE /v3/projects/{project_id}/tags/{value}'),
  },
];
