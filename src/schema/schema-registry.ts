import type * as Re2js from "re2js";
import { IdentityError, type ValidationIssue } from "../errors/index.js";
import { readConfiguration, stringArgument } from "../json/arguments.js";
import { toJsonInput } from "../json/json-input.js";
import { lazyRequire } from "../json/lazy-require.js";
import { Ajv2020, AjvDraft07, type AjvInstance, type ValidateFunction } from "./ajv.js";
import { EXTENSION_HITS, type HitContext } from "./extension-hits.js";
import { addIdentityFormats } from "./formats.js";
import {
  type ExtensionHit,
  isPhoneChannel,
  KRATOS_EXTENSION_KEYWORD,
  type KratosExtension,
  renameExtensionKeyword,
} from "./kratos-extension.js";
import { checkIdentityMetaRules } from "./meta-rules.js";
import {
  DEFAULT_SCHEMA,
  DEFAULT_SCHEMA_ID,
  EMAIL_PRESET_ID,
  EMAIL_PRESET_SCHEMA,
  MACHINE_PRESET_ID,
  MACHINE_PRESET_SCHEMA,
} from "./presets.js";
import { LINEAR_UNIQUE_ITEMS } from "./unique-items.js";
import { issuesFromAjvErrors } from "./validation-issues.js";

/** A JSON Schema document (an object). */
export type JsonSchema = Record<string, unknown>;

/** What one validation of `{ traits }` found. */
export interface SchemaValidationResult {
  issues: ValidationIssue[];
  /** Every value whose subschema carries `ory.sh/kratos`, in visiting order. */
  hits: ExtensionHit[];
}

/** A registered schema (compiled at registration; a built-in document at its first validation). */
export interface RegisteredSchema {
  readonly id: string;
  /** `publicUrl + "/schemas/" + base64url(id)`. */
  readonly url: string;
  /** A frozen deep copy of the registered document. */
  readonly schema: Readonly<JsonSchema>;
  /** True when some trait is routed to an sms channel, so its value is rewritten to E.164 before validation. */
  readonly hasPhoneChannels: boolean;
  /** Validates `{ traits }` and reports extension hits; never throws for invalid data. */
  validate(document: { traits: unknown }): SchemaValidationResult;
}

export interface SchemaRegistryOptions {
  /** Base of `schema_url`. @default "http://127.0.0.1:4433" */
  publicUrl?: string;
  /**
   * Schemas to register, by id. `preset://email` is always registered, and `default` is Kratos's quickstart
   * email-password schema unless given here.
   */
  schemas?: Record<string, JsonSchema>;
}

const MAX_SCHEMA_BYTES = 1024 * 1024;
const DRAFT_2020 = /json-schema\.org\/draft\/(2019-09|2020-12)\/schema/;

/**
 * base64url without padding, as Kratos's `schema.IDToURL`.
 * @throws ValidationError `validation_failed` at `/id` when `id` is not a string.
 */
export function schemaIdToBase64(id: string): string {
  return Buffer.from(stringArgument(id, "/id"), "utf8").toString("base64url");
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === "object") {
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
    Object.freeze(v);
  }
  return v;
}

/**
 * Schema `pattern`s run on RE2 (re2js), like Kratos's Go regexp: matching is linear in the input, so a trait
 * value cannot freeze the event loop through a catastrophically backtracking pattern (`^(a+)+$`), and the
 * escapes Go accepts (`\=`) work. Patterns RE2 cannot express (look-around, back-references) are refused at
 * registration, as Kratos refuses them.
 */
/** re2js, loaded with the first schema that has a `pattern` (cold start). */
const re2js = lazyRequire<typeof Re2js>("re2js");
const re2RegExp = Object.assign(
  (pattern: string): { test(input: string): boolean } => {
    const compiled = re2js().RE2JS.compile(pattern);
    return { test: (input: string) => compiled.matcher(input).find() };
  },
  { code: "re2" },
);

function createAjv(schema: JsonSchema): AjvInstance {
  const Ctor =
    typeof schema.$schema === "string" && DRAFT_2020.test(schema.$schema) ? Ajv2020() : AjvDraft07();
  const ajv = new Ctor({
    allErrors: true,
    verbose: true,
    strict: false,
    passContext: true,
    logger: false,
    validateSchema: true,
    code: { regExp: re2RegExp as never },
  });
  addIdentityFormats(ajv);
  ajv.removeKeyword("uniqueItems"); // ajv's is quadratic for object items: see unique-items.ts
  ajv.addKeyword(LINEAR_UNIQUE_ITEMS as unknown as Parameters<AjvInstance["addKeyword"]>[0]);
  ajv.addKeyword(EXTENSION_HITS as unknown as Parameters<AjvInstance["addKeyword"]>[0]);
  return ajv;
}

/**
 * Validators of the built-in documents (`preset://email`, the default schema), compiled on their first use and
 * shared by every registry: compiling is a pure function of the document, and construction stays cheap.
 */
const PRESET_TEXTS = new Set(
  [EMAIL_PRESET_SCHEMA, DEFAULT_SCHEMA, MACHINE_PRESET_SCHEMA].map((schema) => JSON.stringify(schema)),
);
const PRESET_VALIDATORS = new Map<string, ValidateFunction>();

function compile(schema: JsonSchema): ValidateFunction {
  return createAjv(schema).compile(renameExtensionKeyword(schema) as JsonSchema);
}

/**
 * Identity schemas by id: compiled once at registration (each with its own ajv instance, never a global one;
 * the built-in documents at their first use, shared by every registry),
 * looked up by id or by its base64url form.
 *
 * @example
 * ```ts
 * const registry = new SchemaRegistry({ schemas: { default: mySchema } });
 * registry.get("default")?.url; // "http://127.0.0.1:4433/schemas/ZGVmYXVsdA"
 * ```
 */
export class SchemaRegistry {
  readonly #publicUrl: string;
  readonly #byId = new Map<string, RegisteredSchema>();
  readonly #byBase64 = new Map<string, RegisteredSchema>();

  /** @throws IdentityError `invalid_configuration` for an option of the wrong kind or a schema that fails `register`. */
  constructor(options: SchemaRegistryOptions = {}) {
    const o = readConfiguration(options, "SchemaRegistry options", ["publicUrl", "schemas"]);
    if (o.publicUrl !== undefined && typeof o.publicUrl !== "string") {
      throw new IdentityError("invalid_configuration", { reason: "publicUrl must be a string" });
    }
    let schemas: [string, unknown][];
    try {
      schemas = Object.entries(toJsonInput(o.schemas ?? {}, { maxDepth: 130 }) as Record<string, unknown>);
    } catch (cause) {
      throw new IdentityError("invalid_configuration", {
        reason: "schemas must be an object of JSON Schemas",
        cause,
      });
    }
    this.#publicUrl = ((o.publicUrl as string | undefined) ?? "http://127.0.0.1:4433").replace(/\/+$/, "");
    this.register(EMAIL_PRESET_ID, EMAIL_PRESET_SCHEMA as JsonSchema);
    for (const [id, schema] of schemas) {
      if (id === EMAIL_PRESET_ID) continue;
      this.register(id, schema as JsonSchema);
    }
    if (!this.#byId.has(DEFAULT_SCHEMA_ID)) this.register(DEFAULT_SCHEMA_ID, DEFAULT_SCHEMA as JsonSchema);
    if (!this.#byId.has(MACHINE_PRESET_ID))
      this.register(MACHINE_PRESET_ID, MACHINE_PRESET_SCHEMA as JsonSchema);
  }

  /** The `schema_url` of an id (whether or not it is registered). */
  urlFor(id: string): string {
    // Every identity read builds one: the registered schemas' URLs are made once (a stored schema_id that is not
    // registered any more is encoded each time).
    return this.#byId.get(id)?.url ?? `${this.#publicUrl}/schemas/${schemaIdToBase64(id)}`;
  }

  /**
   * Compiles and registers a schema.
   * @throws IdentityError `invalid_configuration` when the id is taken, the schema is over 1 MiB, does not compile
   *   or breaks the identity meta-rules (spec 2.1).
   */
  register(id: string, schema: JsonSchema): RegisteredSchema {
    const fail = (reason: string, cause?: unknown): never => {
      throw new IdentityError("invalid_configuration", {
        reason: `Identity schema "${id}": ${reason}`,
        ...(cause === undefined ? {} : { cause }),
      });
    };
    if (typeof id !== "string") {
      throw new IdentityError("invalid_configuration", {
        reason: "The identity schema id must be a string.",
      });
    }
    if (id === "") fail("the schema id must not be empty");
    if (this.#byId.has(id)) fail("a schema with this id is already registered");
    let data: unknown;
    try {
      data = toJsonInput(schema, { maxDepth: 128 });
    } catch (e) {
      return fail(`the schema is not JSON: ${(e as IdentityError).issues[0]?.message ?? ""}`, e);
    }
    if (!data || typeof data !== "object" || Array.isArray(data)) fail("the schema must be a JSON object");
    const text = JSON.stringify(data);
    if (Buffer.byteLength(text) > MAX_SCHEMA_BYTES) fail("the schema is larger than 1 MiB");
    const copy = deepFreeze(JSON.parse(text) as JsonSchema);
    const metaProblem = checkIdentityMetaRules(copy);
    if (metaProblem) fail(metaProblem);
    // A built-in document is known to compile: it is compiled at its first validation, once per process.
    const preset = PRESET_TEXTS.has(text);
    let validateFn: ValidateFunction | undefined;
    try {
      if (!preset) validateFn = compile(copy);
    } catch (e) {
      return fail(`it does not compile: ${(e as Error).message}`, e);
    }
    const validator = (): ValidateFunction => {
      if (validateFn === undefined) {
        validateFn = PRESET_VALIDATORS.get(text) ?? compile(copy);
        PRESET_VALIDATORS.set(text, validateFn);
      }
      return validateFn;
    };
    const hasPhoneChannels = text.includes('"sms"') && scanForPhoneChannel(copy);
    const registered: RegisteredSchema = Object.freeze({
      id,
      url: this.urlFor(id),
      schema: copy,
      hasPhoneChannels,
      validate(document: { traits: unknown }): SchemaValidationResult {
        const ctx: HitContext = { hits: [] };
        const validateFn = validator();
        const valid = validateFn.call(ctx, document);
        return { issues: valid ? [] : issuesFromAjvErrors(validateFn.errors), hits: ctx.hits };
      },
    });
    this.#byId.set(id, registered);
    this.#byBase64.set(schemaIdToBase64(id), registered);
    return registered;
  }

  /** Looks a schema up by id or by the base64url of its id (as in a `schema_url`). */
  get(idOrBase64: string): RegisteredSchema | undefined {
    if (typeof idOrBase64 !== "string") return undefined;
    return this.#byId.get(idOrBase64) ?? this.#byBase64.get(idOrBase64);
  }

  /**
   * Like {@link get}, but throws.
   * @throws IdentityError `schema_not_found` (400)
   */
  require(id: string): RegisteredSchema {
    const found = typeof id === "string" ? this.get(id) : undefined;
    if (!found) {
      const named = typeof id === "string" ? id : "(not a string)";
      throw new IdentityError("schema_not_found", { reason: `Unable to find JSON Schema ID: ${named}` });
    }
    return found;
  }

  /** Every registered schema, `preset://email` first. */
  list(): RegisteredSchema[] {
    return [...this.#byId.values()];
  }
}

function scanForPhoneChannel(node: unknown): boolean {
  if (!node || typeof node !== "object") return false;
  if (Array.isArray(node)) return node.some(scanForPhoneChannel);
  const ext = (node as Record<string, unknown>)[KRATOS_EXTENSION_KEYWORD];
  if (ext && typeof ext === "object" && isPhoneChannel(ext as KratosExtension)) return true;
  return Object.values(node).some(scanForPhoneChannel);
}
