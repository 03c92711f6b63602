import type { AddressVia } from "./identity.js";

/**
 * The data shapes of the `ory.sh/kratos` schema extension, part of the identity model: `schema/` produces
 * {@link ExtensionHit}s while it validates traits and `addresses/` turns them into identifiers and addresses, so
 * both import these types from here (a layer below both) rather than from each other.
 *
 * @module
 */

/** The `ory.sh/kratos` extension object that may sit on any trait subschema. */
export interface KratosExtension {
  credentials?: {
    password?: { identifier?: boolean };
    webauthn?: { identifier?: boolean };
    totp?: { account_name?: boolean };
    code?: { identifier?: boolean; via?: AddressVia };
    passkey?: { display_name?: boolean };
  };
  verification?: { via?: AddressVia };
  recovery?: { via?: AddressVia };
  organizations?: { matcher?: "email_domain" };
}

/** One value met during validation whose subschema carries the extension. */
export interface ExtensionHit {
  /** JSON Pointer of the value, rooted at the identity (`/traits/email`). */
  pointer: string;
  value: unknown;
  extension: KratosExtension;
  /** The subschema's `format`, if any. */
  format: string | undefined;
}
