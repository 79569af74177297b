import { TAGGABLE } from './taggable.ts';

/**
 * The Neutron API extensions Strata implements, as GET /v2.0/extensions lists them. Clients (Tempest, the
 * SDK, Horizon, Nova) decide what to use from this list, so it must name exactly what works: add a line
 * when an extension is implemented, remove it if the behaviour goes. Aliases, names and dates are neutron-lib's
 * (api/definitions) or neutron/extensions' for those defined there. Each line says which file implements it.
 */
export interface Extension {
  alias: string;
  name: string;
  description: string;
  updated: string;
  links: [];
}

const ext = (alias: string, name: string, description: string, updated: string): Extension => ({
  alias,
  name,
  description,
  updated,
  links: [],
});

export const EXTENSIONS: readonly Extension[] = [
  // ---- every resource: standard-attrs.ts, listing.ts, api/tags.ts ----
  ext(
    'standard-attr-description',
    'standard-attr-description',
    'Extension to add descriptions to standard attributes',
    '2016-02-10T10:00:00-00:00',
  ),
  ext(
    'standard-attr-revisions',
    'Resource revision numbers',
    'This extension will display the revision number of neutron resources.',
    '2016-04-11T10:00:00-00:00',
  ),
  ext(
    'standard-attr-timestamp',
    'Resource timestamps',
    'Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes.',
    '2016-09-12T10:00:00-00:00',
  ),
  ext(
    'standard-attr-tag', // api/tags.ts, taggable.ts
    `Tag support for resources with standard attribute: ${TAGGABLE.map((t) => t.member).join(', ')}`,
    'Enables to set tag on resources with standard attribute.',
    '2017-01-01T00:00:00-00:00',
  ),
  ext(
    // The older name of the same API on networks, which Tempest 33's network TagsTest still asks for.
    'tag', // api/tags.ts, taggable.ts
    'Tag support',
    'Enables to set tag on resources.',
    '2016-04-02T00:00:00-00:00',
  ),
  ext(
    'revision-if-match', // standard-attrs.ts checkIfMatch
    'If-Match constraints based on revision_number',
    'Extension indicating that If-Match based on revision_number is supported.',
    '2016-12-11T00:00:00-00:00',
  ),
  ext(
    'project-id',
    'project_id field enabled',
    'Extension that indicates that project_id field is enabled.',
    '2016-09-09T09:09:09-09:09',
  ), // standard-attrs.ts
  ext(
    'pagination',
    'Pagination support',
    'Extension that indicates that pagination is enabled.',
    '2016-06-12T00:00:00-00:00',
  ), // listing.ts
  ext('sorting', 'Sorting support', 'Extension that indicates that sorting is enabled.', '2016-06-12T00:00:00-00:00'), // listing.ts
  ext(
    'filter-validation',
    'Filter parameters validation',
    'Provides validation on filter parameters.',
    '2018-07-04T10:00:00-00:00',
  ), // listing.ts
  ext(
    'ip-substring-filtering', // store/ports.ts fixed_ips=ip_address_substr=
    'IP address substring filtering',
    'Provides IP address substring filtering when listing ports',
    '2017-11-28T09:00:00-00:00',
  ),
  ext(
    'empty-string-filtering', // listing.ts filterValue
    'Empty String Filtering Extension',
    'Allow filtering by attributes with empty string value',
    '2018-05-01T10:00:00-00:00',
  ),

  // ---- networks: api/networks.ts, network-view.ts, network-create.ts, segments.ts ----
  ext(
    'external-net',
    'Neutron external network',
    'Adds external network attribute to network resource.',
    '2013-01-14T10:00:00-00:00',
  ),
  ext(
    'provider',
    'Provider Network',
    'Expose mapping of virtual networks to physical networks',
    '2012-09-07T10:00:00-00:00',
  ),
  ext('net-mtu', 'Network MTU', 'Provides MTU attribute for a network resource.', '2015-03-25T10:00:00-00:00'),
  ext(
    'net-mtu-writable',
    'Network MTU (writable)',
    'Provides a writable MTU attribute for a network resource.',
    '2017-07-12T00:00:00-00:00',
  ),
  ext('vlan-transparent', 'Vlantransparent', 'Provides Vlan Transparent Networks', '2015-03-23T09:00:00-00:00'),
  ext('l2_adjacency', 'L2 Adjacency', 'Display L2 Adjacency for Neutron Networks.', '2016-04-12T16:00:00-00:00'),
  ext(
    'network_availability_zone',
    'Network Availability Zone',
    'Availability zone support for network.',
    '2015-01-01T10:00:00-00:00',
  ),
  ext('port-security', 'Port Security', 'Provides port security', '2012-07-23T10:00:00-00:00'), // networks and ports
  ext('dns-integration', 'DNS Integration', 'Provides integration with DNS.', '2015-08-15T18:00:00-00:00'), // networks' dns_domain, ports' dns_name

  // ---- RBAC, quotas, IP availability: api/rbac-policies.ts, api/quotas.ts, api/network-ip-availabilities.ts ----
  ext(
    'rbac-policies',
    'RBAC Policies',
    'Allows creation and modification of policies that control tenant access to resources.',
    '2015-06-17T12:15:12-00:00',
  ),
  ext(
    'quotas',
    'Quota management support',
    'Expose functions for quotas management per project',
    '2012-07-29T10:00:00-00:00',
  ),
  ext(
    'quota_details',
    'Quota details management support',
    'Expose functions for quotas usage statistics per project',
    '2017-02-10T10:00:00-00:00',
  ),
  ext(
    'quota-check-limit',
    'Quota engine limit check',
    'Support for checking the resource usage before applying a new quota limit',
    '2021-09-08T16:00:00-00:00',
  ),
  ext(
    'network-ip-availability',
    'Network IP Availability',
    'Provides IP availability data for each network and subnet.',
    '2015-09-24T00:00:00-00:00',
  ),

  // ---- subnets, subnet pools, address scopes: the subnets work (api/subnets.ts, api/subnetpools.ts, ...) ----
  ext(
    'subnet_allocation',
    'Subnet Allocation',
    'Enables allocation of subnets from a subnet pool',
    '2015-03-30T10:00:00-00:00',
  ),
  ext('address-scope', 'Address scope', 'Address scopes extension.', '2015-07-26T10:00:00-00:00'),
  ext(
    'default-subnetpools',
    'Default Subnetpools',
    'Provides ability to mark and use a subnetpool as the default.',
    '2016-02-18T18:00:00-00:00',
  ),
  ext(
    'subnet-service-types',
    'Subnet service types',
    'Provides ability to set the subnet service_types field',
    '2016-03-15T18:00:00-00:00',
  ),
  ext(
    'subnet-dns-publish-fixed-ip',
    'Subnet DNS publish fixed IP',
    'Support choosing to publish DNS records for IPs from a subnet',
    '2019-05-24T10:00:00-00:00',
  ),

  // ---- ports: the ports work (api/ports.ts) ----
  ext(
    'binding',
    'Port Binding',
    'Expose port bindings of a virtual port to external application',
    '2014-02-03T10:00:00-00:00',
  ),
  ext('allowed-address-pairs', 'Allowed Address Pairs', 'Provides allowed address pairs', '2013-07-23T10:00:00-00:00'),
  ext(
    'extra_dhcp_opt',
    'Neutron Extra DHCP options',
    'Extra options configuration for DHCP. For example PXE boot options to DHCP clients can be specified (e.g. tftp-server, server-ip-address, bootfile-name)',
    '2013-03-17T12:00:00-00:00',
  ),

  // ---- routers, floating IPs: the routers work (api/routers.ts, api/floatingips.ts) ----
  ext(
    'router',
    'Neutron L3 Router',
    'Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks via a NAT gateway.',
    '2012-07-20T10:00:00-00:00',
  ),
  ext(
    'ext-gw-mode',
    'Neutron L3 Configurable external gateway mode',
    'Extension of the router abstraction for specifying whether SNAT should occur on the external gateway',
    '2013-03-28T10:00:00-00:00',
  ),
  ext('extraroute', 'Neutron Extra Route', 'Extra routes configuration for L3 router', '2013-02-01T10:00:00-00:00'),
  ext(
    'floating-ip-port-forwarding',
    'Floating IP Port Forwarding',
    'Allow port forwarding from floating IP port to an internal port',
    '2018-01-19T10:00:00-00:00',
  ),

  // ---- security groups: the security groups work (api/security-groups.ts) ----
  ext('security-group', 'security-group', 'The security groups extension.', '2012-10-05T10:00:00-00:00'),
  ext(
    'stateful-security-group',
    'Stateful security group',
    'Indicates if the security group is stateful or not',
    '2019-11-26T09:00:00-00:00',
  ),

  // ---- agents, availability zones: the agents work (api/agents.ts, api/availability-zones.ts) ----
  ext('agent', 'agent', 'The agent management extension.', '2013-02-03T10:00:00-00:00'),
  ext('availability_zone', 'Availability Zone', 'The availability zone extension.', '2015-01-01T10:00:00-00:00'),
];

export function findExtension(alias: string): Extension | undefined {
  return EXTENSIONS.find((e) => e.alias === alias);
}
