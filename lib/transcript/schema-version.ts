/**
 * The `schema_version` every transcript written by this code carries.
 *
 * Kept out of `schema.ts` (classic zod, with the JSON Schema metadata): the
 * Lambda bundles need this number at run time, not the schema, and importing
 * it from there bundled all of classic zod into every function.
 */
export const TRANSCRIPT_SCHEMA_VERSION = 1;
