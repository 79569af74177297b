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
