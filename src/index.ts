/**
 * idkit: embeddable identity management for Node, faithful to Ory Kratos's identity model.
 *
 * @module
 */
export * from "./errors/index.js";
export type * from "./identity/identity.js";
