/**
 * idkit/migrate: converters from other identity systems' exports to idkit create bodies (issue 13; filled in by
 * the converters' commits).
 *
 * @module
 */

/** The vendors whose exports idkit converts. */
export const MIGRATION_VENDORS = ["auth0", "firebase", "clerk", "supabase", "keycloak", "kratos"] as const;
/** One of {@link MIGRATION_VENDORS}. */
export type MigrationVendor = (typeof MIGRATION_VENDORS)[number];
