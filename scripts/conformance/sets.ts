import { prepareCompute } from './compute-setup.ts';
import { prepareNetwork } from './network-setup.ts';
import { prepareScenario } from './scenario-setup.ts';

/** Which Tempest tests each service runs, and what the interop guideline requires of it. */
export interface TestSet {
  /** [service_available] names Tempest should consider on. */
  services: string[];
  regex: string;
  pluginRegex?: string;
  /** Tests left out on purpose, each explained in `skipReasons` or below. */
  exclude?: string;
  skipReasons: [RegExp, string][];
  /**
   * Keystone [security_compliance] settings for the server a run starts (Strata's defaults leave them off), also
   * written to tempest.conf so Tempest's lockout and password-history tests run. Not used against --auth-url.
   */
  securityCompliance?: SecurityComplianceProfile;
  /** Readies the cloud for Tempest and returns tempest.conf sections describing what it made (see network-setup.ts). */
  prepare?: (authUrl: string, password: string) => Promise<Record<string, Record<string, string>>>;
  /** Tempest workers when --concurrency is not given (default 2). */
  concurrency?: number;
  /** Settings (STRATA_* variables, loadConfig's env overrides) for the server a run starts; not with --auth-url. */
  serverEnv?: Record<string, string>;
  /** Share of the non-skipped tests `--ci` requires to pass (default 0.95). */
  passRatio?: number;
  /**
   * tempest.conf keys for `--interop` runs only: switches Tempest on for guideline tests its defaults skip, where
   * the same switch would make other tests of the full set run against an API no cloud of this release has.
   */
  interopConf?: Record<string, Record<string, string>>;
  /**
   * The run needs real instances: the server it starts is `strata start --first-run` with the qemu driver and
   * the linux dataplane (real-cloud.ts), and Tempest runs in a client namespace on its external network, so it
   * reaches floating IPs by SSH and the API through a forwarded port. Not with --auth-url.
   */
  realCloud?: boolean;
  /** Seconds each Tempest test may take (OS_TEST_TIMEOUT; default 300). */
  testTimeout?: number;
}

/** The [security_compliance] settings Tempest needs to know (`[identity] user_*` in tempest.conf). */
export interface SecurityComplianceProfile {
  lockoutFailureAttempts: number;
  /** Seconds; Tempest's lockout test sleeps this long plus one. */
  lockoutDuration: number;
  uniqueLastPasswordCount: number;
  /** Days; must be 0 for Tempest, which changes a password several times in a row. */
  minimumPasswordAge: number;
}

export const SERVICES: Record<string, TestSet> = {
  identity: {
    services: [],
    regex: '^tempest\\.api\\.identity\\.(admin\\.)?v3\\.',
    pluginRegex: '^keystone_tempest_plugin\\.tests\\.api\\.',
    skipReasons: [
      [
        /password_history|test_user_update_own_password|test_user_account_lockout/,
        'needs [security_compliance]: enabled only on the server a run starts, not with --auth-url',
      ],
      [/\.v2\./, 'Identity v2 API was removed from OpenStack in Queens'],
    ],
    // Small values keep Tempest quick: three failures lock a user for 5 s; the last 2 passwords may not return.
    securityCompliance: {
      lockoutFailureAttempts: 3,
      lockoutDuration: 5,
      uniqueLastPasswordCount: 2,
      minimumPasswordAge: 0,
    },
  },
  image: {
    services: ['glance'],
    regex: '^tempest\\.api\\.image\\.v2\\.',
    skipReasons: [
      [/\.v1\./, 'Image v1 API was removed from OpenStack in Rocky'],
      [/ImageLocationsTest/, 'image locations are not exposed (show_multiple_locations off, as Glance defaults)'],
      [/test_image_caching/, 'no image cache: the one file store is local already'],
      [/MultiStoresImportImagesTest/, 'one store (file); multiple stores are not configured'],
      [
        /web_download|glance_download|remote_(import|delete)/,
        'Strata does not fetch images from URLs or other regions',
      ],
    ],
  },
  network: {
    services: ['neutron'],
    regex: '^tempest\\.api\\.network\\.',
    pluginRegex: '^neutron_tempest_plugin\\.api\\.',
    skipReasons: [],
    // Tempest's subnet client sleeps 10 s before every subnet delete (for Neutron's slow port teardown), so the
    // run is mostly waiting: more workers shorten it without loading the machine.
    concurrency: 6,
    prepare: prepareNetwork,
  },
  compute: {
    // Nova needs images and ports: Tempest skips (not fails) what needs Cinder, Swift or a second host.
    services: ['nova', 'neutron', 'glance'],
    regex: '^tempest\\.api\\.compute\\.',
    // In the order Tempest's skips were seen; the first match names the reason.
    skipReasons: [
      [
        /\.volumes?\.|[Vv]olume|_bfv|BootFromVolume|test_device_tagging|_bdm_|encrypted|multiattach|[Ss]wap/,
        'needs block storage: Strata has no Cinder (nor Barbican) yet',
      ],
      [
        /[Ll]ive[Mm]igrat|live_migration|[Mm]igrat|evacuate|multinode|[Mm]ultiNode|SameHost|DifferentHost/,
        'one compute host (min_compute_nodes = 1): nothing to migrate to',
      ],
      [/console|Console|novnc|spice|serial/, 'remote consoles (VNC, SPICE, serial) are off: no console proxy yet'],
      [
        /validation|test_verify_created_server_vcpus|test_host_name_is_same|fqdn|ssh|Ssh|AttachInterfaces|ephemeral_disk/,
        'needs SSH into the guest (Tempest 33 also wants it for interface attach): run_validation = false',
      ],
      [/personality|Personality/, 'personality files are off (removed from the API at 2.57)'],
      [
        /change_password|change_server_password|ChangePassword/,
        'change_password is off: the fake driver has no guest agent',
      ],
      [
        /fixed_ips|FixedIPs|test_networks|NetworksTest|[Vv]irtual_?[Ii]nterfaces|floating_ips_bulk|QuotasSecurityGroup|certificates/,
        'nova-network era API: Tempest skips it when Neutron is on',
      ],
      [
        /ServerMetadata|AgentsAdmin|test_reset_network/,
        'XenAPI-era tests (xenapi_apis = false, as tempest-run writes): writable-metadata checks, os-agents, ' +
          'resetNetwork; --interop runs the metadata ones',
      ],
      [/security_groups_negative/, 'Tempest skips what Neutron does not check (duplicate names, name and description)'],
      [/auto_allocate/, "the network service lists no auto-allocated-topology extension (Tempest's condition)"],
      [/ServerShowV263|certified/, 'trusted image certificates need [compute] certified_image_ref (no Barbican)'],
      [/unified_limits|UnifiedLimits/, "unified limits are off: Nova's legacy quotas are served"],
      [/stable_rescue|StableRescue|StableDevice/, 'stable rescue (2.87) is off: it needs volume-like disk attachment'],
    ],
    // Servers reach ACTIVE through the bus, the conductor and the fake agent. 100 ms per driver operation keeps
    // the transitional states (BUILD, REBOOT, RESIZE, a snapshot saving) long enough to be seen, as on a real
    // host, and still ends well inside Tempest's 1 s poll interval.
    serverEnv: {
      STRATA_COMPUTE__FAKE_DELAY_MS: '100',
      STRATA_COMPUTE__SHELVED_OFFLOAD_TIME: '0',
    },
    passRatio: 0.9,
    // Tempest 33 runs the guideline's 6 server metadata tests only with xenapi_apis, which tempest-run leaves off
    // (they skip there); the same flag would also run os-agents and resetNetwork, gone since Victoria.
    interopConf: { 'compute-feature-enabled': { xenapi_apis: 'true' } },
    prepare: prepareCompute,
  },
  /**
   * Issue 6's Tempest run with validation on: the two basic scenario tests and the compute API tests that log in to
   * their guest (Tempest runs those only with [validation] run_validation). Booting real guests under TCG, each test
   * takes tens of seconds: CI runs the scenario tests and test_create_server (REAL_CI in scripts/test.ts).
   */
  scenario: {
    services: ['nova', 'neutron', 'glance'],
    regex:
      '^tempest\\.(scenario\\.test_(server_basic_ops|network_basic_ops)|api\\.compute\\.(servers\\.test_(create_server|' +
      'server_actions|attach_interfaces|server_rescue|server_rescue_negative|device_tagging)|admin\\.test_create_server))\\.',
    skipReasons: [
      [/[Vv]olume|volume/, 'needs block storage: Strata has no Cinder yet'],
      [/ipv6|IPv6|[Vv]6/, 'IPv6 guests: the test image configures IPv4 by DHCP only'],
      [/stable_rescue|StableRescue/, 'stable rescue (2.87) is off'],
      [/[Pp]ersonality/, 'personality files are off (removed from the API at 2.57)'],
      [/change_password|ChangePassword/, 'change_password is off: the test guest runs no guest agent'],
      [/fqdn|Fqdn/, 'FQDN hostnames are sanitized from microversion 2.94 on, above what Strata serves'],
      [/router_rescheduling/, 'needs the l3_agent_scheduler extension (one L3 host: nothing to reschedule to)'],
    ],
    realCloud: true,
    testTimeout: 900,
    passRatio: 0.9,
    prepare: prepareScenario,
  },
};

/** The interop guideline 2020.06's required tests per service (shared/reference/interop.md). */
export const INTEROP: Record<string, string[]> = {
  image: [
    'tempest.api.image.v2.test_images.BasicOperationsImagesTest.test_delete_image',
    'tempest.api.image.v2.test_images.BasicOperationsImagesTest.test_update_image',
    'tempest.api.image.v2.test_images.ListUserImagesTest.test_get_image_schema',
    'tempest.api.image.v2.test_images.ListUserImagesTest.test_get_images_schema',
    'tempest.api.image.v2.test_images.ListUserImagesTest.test_list_images_param_container_format',
    'tempest.api.image.v2.test_images.ListUserImagesTest.test_list_images_param_disk_format',
    'tempest.api.image.v2.test_images.ListUserImagesTest.test_list_images_param_limit',
    'tempest.api.image.v2.test_images.ListUserImagesTest.test_list_images_param_min_max_size',
    'tempest.api.image.v2.test_images.ListUserImagesTest.test_list_images_param_size',
    'tempest.api.image.v2.test_images.ListUserImagesTest.test_list_images_param_status',
    'tempest.api.image.v2.test_images.ListUserImagesTest.test_list_images_param_visibility',
    'tempest.api.image.v2.test_images.ListUserImagesTest.test_list_no_params',
    'tempest.api.image.v2.test_images_negative.ImagesNegativeTest.test_delete_image_null_id',
    'tempest.api.image.v2.test_images_negative.ImagesNegativeTest.test_delete_non_existing_image',
    'tempest.api.image.v2.test_images_negative.ImagesNegativeTest.test_get_delete_deleted_image',
    'tempest.api.image.v2.test_images_negative.ImagesNegativeTest.test_get_image_null_id',
    'tempest.api.image.v2.test_images_negative.ImagesNegativeTest.test_get_non_existent_image',
    'tempest.api.image.v2.test_images_tags.ImagesTagsTest.test_update_delete_tags_for_image',
    'tempest.api.image.v2.test_images_tags_negative.ImagesTagsNegativeTest.test_delete_non_existing_tag',
    'tempest.api.image.v2.test_images_tags_negative.ImagesTagsNegativeTest.test_update_tags_for_non_existing_image',
  ],
  network: [
    'tempest.api.network.test_networks.NetworksTest.test_create_delete_subnet_all_attributes',
    'tempest.api.network.test_networks.NetworksTest.test_create_delete_subnet_with_allocation_pools',
    'tempest.api.network.test_networks.NetworksTest.test_create_delete_subnet_with_dhcp_enabled',
    'tempest.api.network.test_networks.NetworksTest.test_create_delete_subnet_with_gw',
    'tempest.api.network.test_networks.NetworksTest.test_create_delete_subnet_with_gw_and_allocation_pools',
    'tempest.api.network.test_networks.NetworksTest.test_create_delete_subnet_with_host_routes_and_dns_nameservers',
    'tempest.api.network.test_networks.NetworksTest.test_create_delete_subnet_without_gateway',
    'tempest.api.network.test_networks.NetworksTest.test_create_update_delete_network_subnet',
    'tempest.api.network.test_networks.NetworksTest.test_delete_network_with_subnet',
    'tempest.api.network.test_networks.NetworksTest.test_external_network_visibility',
    'tempest.api.network.test_networks.NetworksTest.test_list_networks',
    'tempest.api.network.test_networks.NetworksTest.test_list_networks_fields',
    'tempest.api.network.test_networks.NetworksTest.test_list_subnets',
    'tempest.api.network.test_networks.NetworksTest.test_list_subnets_fields',
    'tempest.api.network.test_networks.NetworksTest.test_show_network',
    'tempest.api.network.test_networks.NetworksTest.test_show_network_fields',
    'tempest.api.network.test_networks.NetworksTest.test_show_subnet',
    'tempest.api.network.test_networks.NetworksTest.test_show_subnet_fields',
    'tempest.api.network.test_networks.NetworksTest.test_update_subnet_gw_dns_host_routes_dhcp',
    'tempest.api.network.test_ports.PortsTestJSON.test_create_bulk_port',
    'tempest.api.network.test_ports.PortsTestJSON.test_create_port_in_allowed_allocation_pools',
    'tempest.api.network.test_ports.PortsTestJSON.test_create_update_delete_port',
    'tempest.api.network.test_ports.PortsTestJSON.test_list_ports',
    'tempest.api.network.test_ports.PortsTestJSON.test_list_ports_fields',
    'tempest.api.network.test_ports.PortsTestJSON.test_port_list_filter_by_router_id',
    'tempest.api.network.test_ports.PortsTestJSON.test_show_port',
    'tempest.api.network.test_ports.PortsTestJSON.test_show_port_fields',
    'tempest.api.network.test_routers.RoutersTest.test_add_multiple_router_interfaces',
    'tempest.api.network.test_routers.RoutersTest.test_add_remove_router_interface_with_port_id',
    'tempest.api.network.test_routers.RoutersTest.test_add_remove_router_interface_with_subnet_id',
    'tempest.api.network.test_routers.RoutersTest.test_create_show_list_update_delete_router',
    'tempest.api.network.test_routers.RoutersTest.test_update_delete_extra_route',
    'tempest.api.network.test_routers.RoutersTest.test_update_router_admin_state',
    'tempest.api.network.test_routers_negative.RoutersNegativeTest.test_add_router_interfaces_on_overlapping_subnets_returns_400',
    'tempest.api.network.test_routers_negative.RoutersNegativeTest.test_delete_non_existent_router_returns_404',
    'tempest.api.network.test_routers_negative.RoutersNegativeTest.test_router_add_gateway_invalid_network_returns_404',
    'tempest.api.network.test_routers_negative.RoutersNegativeTest.test_router_add_gateway_net_not_external_returns_400',
    'tempest.api.network.test_routers_negative.RoutersNegativeTest.test_router_remove_interface_in_use_returns_409',
    'tempest.api.network.test_routers_negative.RoutersNegativeTest.test_show_non_existent_router_returns_404',
    'tempest.api.network.test_routers_negative.RoutersNegativeTest.test_update_non_existent_router_returns_404',
    'tempest.api.network.test_security_groups.SecGroupTest.test_create_list_update_show_delete_security_group',
    'tempest.api.network.test_security_groups.SecGroupTest.test_create_security_group_rule_with_additional_args',
    'tempest.api.network.test_security_groups.SecGroupTest.test_create_security_group_rule_with_icmp_type_code',
    'tempest.api.network.test_security_groups.SecGroupTest.test_create_security_group_rule_with_protocol_integer_value',
    'tempest.api.network.test_security_groups.SecGroupTest.test_create_security_group_rule_with_remote_group_id',
    'tempest.api.network.test_security_groups.SecGroupTest.test_create_security_group_rule_with_remote_ip_prefix',
    'tempest.api.network.test_security_groups.SecGroupTest.test_create_show_delete_security_group_rule',
    'tempest.api.network.test_security_groups.SecGroupTest.test_list_security_groups',
    'tempest.api.network.test_security_groups_negative.NegativeSecGroupTest.test_create_additional_default_security_group_fails',
    'tempest.api.network.test_security_groups_negative.NegativeSecGroupTest.test_create_duplicate_security_group_rule_fails',
    'tempest.api.network.test_security_groups_negative.NegativeSecGroupTest.test_create_security_group_rule_with_bad_ethertype',
    'tempest.api.network.test_security_groups_negative.NegativeSecGroupTest.test_create_security_group_rule_with_bad_protocol',
    'tempest.api.network.test_security_groups_negative.NegativeSecGroupTest.test_create_security_group_rule_with_bad_remote_ip_prefix',
    'tempest.api.network.test_security_groups_negative.NegativeSecGroupTest.test_create_security_group_rule_with_invalid_ports',
    'tempest.api.network.test_security_groups_negative.NegativeSecGroupTest.test_create_security_group_rule_with_non_existent_remote_groupid',
    'tempest.api.network.test_security_groups_negative.NegativeSecGroupTest.test_create_security_group_rule_with_non_existent_security_group',
    'tempest.api.network.test_security_groups_negative.NegativeSecGroupTest.test_delete_non_existent_security_group',
    'tempest.api.network.test_security_groups_negative.NegativeSecGroupTest.test_show_non_existent_security_group',
    'tempest.api.network.test_security_groups_negative.NegativeSecGroupTest.test_show_non_existent_security_group_rule',
    'tempest.api.network.test_subnetpools_extensions.SubnetPoolsTestJSON.test_create_list_show_update_delete_subnetpools',
    'tempest.api.network.test_versions.NetworksApiDiscovery.test_api_version_resources',
  ],
  // The guideline's 81 compute tests less 4: the 2 volume-attach tests need Cinder, and
  // test_verify_created_server_vcpus and test_host_name_is_same_as_server_name SSH into the guest, which Tempest
  // skips with [validation] run_validation = false (no reachable guest with the fake driver).
  compute: [
    'tempest.api.compute.flavors.test_flavors.FlavorsV2TestJSON.test_list_flavors',
    'tempest.api.compute.flavors.test_flavors.FlavorsV2TestJSON.test_list_flavors_with_detail',
    'tempest.api.compute.images.test_images_oneserver.ImagesOneServerTestJSON.test_create_delete_image',
    'tempest.api.compute.images.test_images_oneserver.ImagesOneServerTestJSON.test_create_image_specify_multibyte_character_image_name',
    'tempest.api.compute.keypairs.test_keypairs_v22.KeyPairsV22TestJSON.test_keypairsv22_create_list_show_with_type',
    'tempest.api.compute.servers.test_availability_zone.AZV2TestJSON.test_get_availability_zone_list_with_non_admin_user',
    'tempest.api.compute.servers.test_create_server.ServersTestJSON.test_list_servers',
    'tempest.api.compute.servers.test_create_server.ServersTestJSON.test_list_servers_with_detail',
    'tempest.api.compute.servers.test_create_server.ServersTestJSON.test_verify_server_details',
    'tempest.api.compute.servers.test_delete_server.DeleteServersTestJSON.test_delete_active_server',
    'tempest.api.compute.servers.test_instance_actions.InstanceActionsTestJSON.test_get_instance_action',
    'tempest.api.compute.servers.test_instance_actions.InstanceActionsTestJSON.test_list_instance_actions',
    'tempest.api.compute.servers.test_list_server_filters.ListServerFiltersTestJSON.test_list_servers_detailed_filter_by_flavor',
    'tempest.api.compute.servers.test_list_server_filters.ListServerFiltersTestJSON.test_list_servers_detailed_filter_by_image',
    'tempest.api.compute.servers.test_list_server_filters.ListServerFiltersTestJSON.test_list_servers_detailed_filter_by_server_name',
    'tempest.api.compute.servers.test_list_server_filters.ListServerFiltersTestJSON.test_list_servers_detailed_filter_by_server_status',
    'tempest.api.compute.servers.test_list_server_filters.ListServerFiltersTestJSON.test_list_servers_detailed_limit_results',
    'tempest.api.compute.servers.test_list_server_filters.ListServerFiltersTestJSON.test_list_servers_filter_by_active_status',
    'tempest.api.compute.servers.test_list_server_filters.ListServerFiltersTestJSON.test_list_servers_filter_by_flavor',
    'tempest.api.compute.servers.test_list_server_filters.ListServerFiltersTestJSON.test_list_servers_filter_by_image',
    'tempest.api.compute.servers.test_list_server_filters.ListServerFiltersTestJSON.test_list_servers_filter_by_limit',
    'tempest.api.compute.servers.test_list_server_filters.ListServerFiltersTestJSON.test_list_servers_filter_by_server_name',
    'tempest.api.compute.servers.test_list_server_filters.ListServerFiltersTestJSON.test_list_servers_filtered_by_ip',
    'tempest.api.compute.servers.test_list_server_filters.ListServerFiltersTestJSON.test_list_servers_filtered_by_ip_regex',
    'tempest.api.compute.servers.test_list_server_filters.ListServerFiltersTestJSON.test_list_servers_filtered_by_name_wildcard',
    'tempest.api.compute.servers.test_list_servers_negative.ListServersNegativeTestJSON.test_list_servers_by_changes_since_future_date',
    'tempest.api.compute.servers.test_list_servers_negative.ListServersNegativeTestJSON.test_list_servers_by_changes_since_invalid_date',
    'tempest.api.compute.servers.test_list_servers_negative.ListServersNegativeTestJSON.test_list_servers_by_limits_greater_than_actual_count',
    'tempest.api.compute.servers.test_list_servers_negative.ListServersNegativeTestJSON.test_list_servers_by_limits_pass_negative_value',
    'tempest.api.compute.servers.test_list_servers_negative.ListServersNegativeTestJSON.test_list_servers_by_limits_pass_string',
    'tempest.api.compute.servers.test_list_servers_negative.ListServersNegativeTestJSON.test_list_servers_by_non_existing_flavor',
    'tempest.api.compute.servers.test_list_servers_negative.ListServersNegativeTestJSON.test_list_servers_by_non_existing_image',
    'tempest.api.compute.servers.test_list_servers_negative.ListServersNegativeTestJSON.test_list_servers_by_non_existing_server_name',
    'tempest.api.compute.servers.test_list_servers_negative.ListServersNegativeTestJSON.test_list_servers_detail_server_is_deleted',
    'tempest.api.compute.servers.test_list_servers_negative.ListServersNegativeTestJSON.test_list_servers_status_non_existing',
    'tempest.api.compute.servers.test_list_servers_negative.ListServersNegativeTestJSON.test_list_servers_with_a_deleted_server',
    'tempest.api.compute.servers.test_multiple_create.MultipleCreateTestJSON.test_multiple_create',
    'tempest.api.compute.servers.test_server_actions.ServerActionsTestJSON.test_lock_unlock_server',
    'tempest.api.compute.servers.test_server_actions.ServerActionsTestJSON.test_reboot_server_hard',
    'tempest.api.compute.servers.test_server_actions.ServerActionsTestJSON.test_rebuild_server',
    'tempest.api.compute.servers.test_server_actions.ServerActionsTestJSON.test_resize_server_confirm',
    'tempest.api.compute.servers.test_server_actions.ServerActionsTestJSON.test_resize_server_revert',
    'tempest.api.compute.servers.test_server_actions.ServerActionsTestJSON.test_stop_start_server',
    'tempest.api.compute.servers.test_server_metadata.ServerMetadataTestJSON.test_delete_server_metadata_item',
    'tempest.api.compute.servers.test_server_metadata.ServerMetadataTestJSON.test_get_server_metadata_item',
    'tempest.api.compute.servers.test_server_metadata.ServerMetadataTestJSON.test_list_server_metadata',
    'tempest.api.compute.servers.test_server_metadata.ServerMetadataTestJSON.test_set_server_metadata',
    'tempest.api.compute.servers.test_server_metadata.ServerMetadataTestJSON.test_set_server_metadata_item',
    'tempest.api.compute.servers.test_server_metadata.ServerMetadataTestJSON.test_update_server_metadata',
    'tempest.api.compute.servers.test_servers.ServersTestJSON.test_create_server_with_admin_password',
    'tempest.api.compute.servers.test_servers.ServersTestJSON.test_create_specify_keypair',
    'tempest.api.compute.servers.test_servers.ServersTestJSON.test_create_with_existing_server_name',
    'tempest.api.compute.servers.test_servers.ServersTestJSON.test_update_access_server_address',
    'tempest.api.compute.servers.test_servers.ServersTestJSON.test_update_server_name',
    'tempest.api.compute.servers.test_servers_negative.ServersNegativeTestJSON.test_create_numeric_server_name',
    'tempest.api.compute.servers.test_servers_negative.ServersNegativeTestJSON.test_create_server_metadata_exceeds_length_limit',
    'tempest.api.compute.servers.test_servers_negative.ServersNegativeTestJSON.test_create_server_name_length_exceeds_256',
    'tempest.api.compute.servers.test_servers_negative.ServersNegativeTestJSON.test_create_with_invalid_flavor',
    'tempest.api.compute.servers.test_servers_negative.ServersNegativeTestJSON.test_create_with_invalid_image',
    'tempest.api.compute.servers.test_servers_negative.ServersNegativeTestJSON.test_create_with_invalid_network_uuid',
    'tempest.api.compute.servers.test_servers_negative.ServersNegativeTestJSON.test_delete_server_pass_id_exceeding_length_limit',
    'tempest.api.compute.servers.test_servers_negative.ServersNegativeTestJSON.test_delete_server_pass_negative_id',
    'tempest.api.compute.servers.test_servers_negative.ServersNegativeTestJSON.test_get_non_existent_server',
    'tempest.api.compute.servers.test_servers_negative.ServersNegativeTestJSON.test_invalid_ip_v6_address',
    'tempest.api.compute.servers.test_servers_negative.ServersNegativeTestJSON.test_reboot_non_existent_server',
    'tempest.api.compute.servers.test_servers_negative.ServersNegativeTestJSON.test_rebuild_deleted_server',
    'tempest.api.compute.servers.test_servers_negative.ServersNegativeTestJSON.test_rebuild_non_existent_server',
    'tempest.api.compute.servers.test_servers_negative.ServersNegativeTestJSON.test_resize_server_with_non_existent_flavor',
    'tempest.api.compute.servers.test_servers_negative.ServersNegativeTestJSON.test_resize_server_with_null_flavor',
    'tempest.api.compute.servers.test_servers_negative.ServersNegativeTestJSON.test_server_name_blank',
    'tempest.api.compute.servers.test_servers_negative.ServersNegativeTestJSON.test_stop_non_existent_server',
    'tempest.api.compute.servers.test_servers_negative.ServersNegativeTestJSON.test_update_name_of_non_existent_server',
    'tempest.api.compute.servers.test_servers_negative.ServersNegativeTestJSON.test_update_server_name_length_exceeds_256',
    'tempest.api.compute.servers.test_servers_negative.ServersNegativeTestJSON.test_update_server_set_empty_name',
    'tempest.api.compute.test_quotas.QuotasTestJSON.test_get_default_quotas',
    'tempest.api.compute.test_quotas.QuotasTestJSON.test_get_quotas',
    'tempest.api.compute.test_versions.TestVersions.test_list_api_versions',
  ],
  identity: [
    'tempest.api.identity.v3.test_api_discovery.TestApiDiscovery.test_api_version_resources',
    'tempest.api.identity.v3.test_api_discovery.TestApiDiscovery.test_api_media_types',
    'tempest.api.identity.v3.test_api_discovery.TestApiDiscovery.test_api_version_statuses',
    'tempest.api.identity.v3.test_catalog.IdentityCatalogTest.test_catalog_standardization',
    'tempest.api.identity.v3.test_projects.IdentityV3ProjectsTest.test_list_projects_returns_only_authorized_projects',
    'tempest.api.identity.v3.test_tokens.TokensV3Test.test_create_token',
    'tempest.api.identity.v3.test_tokens.TokensV3Test.test_token_auth_creation_existence_deletion',
    'tempest.api.identity.v3.test_tokens.TokensV3Test.test_validate_token',
  ],
};
