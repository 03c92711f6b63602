import { crypt64Encode } from "./crypt64.js";
import { pbkdf2Md4Key, phpassChecksum, symfonySha512Checksum } from "./iterated.js";
import { md5CryptChecksum } from "./md5-crypt.js";
import { shaCryptChecksum } from "./sha-crypt.js";

/**
 * The source text of a crypt worker (`new Worker(source, { eval: true })`): it answers `{ id, job }` messages with
 * `{ id, checksum }` or `{ id, error }`, and wipes its copy of the password afterwards. Being a string, it runs the
 * same from the ESM build, the bundled CJS build and the TypeScript sources, without a separate worker file.
 */
export function cryptWorkerSource(): string {
  // The algorithm functions are self-contained, so their source text runs as is in an eval worker (ESM and CJS
  // builds alike). `__name` covers bundlers that inject their keep-names helper into function bodies.
  return `"use strict";
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const __name = (fn) => fn;
const deps = { createHash, crypt64Encode: (${crypt64Encode.toString()}) };
const md5 = (${md5CryptChecksum.toString()});
const sha = (${shaCryptChecksum.toString()});
const phpass = (${phpassChecksum.toString()});
const symfony = (${symfonySha512Checksum.toString()});
const pbkdf2Md4 = (${pbkdf2Md4Key.toString()});
parentPort.on("message", ({ id, job }) => {
  try {
    const checksum = job.kind === "md5"
      ? md5(deps, job.password, job.salt)
      : job.kind === "phpass"
        ? phpass(deps, job.password, job.salt, job.rounds)
        : job.kind === "symfony-sha512"
          ? symfony(deps, job.password, job.salt, job.rounds)
          : job.kind === "pbkdf2-md4"
            ? pbkdf2Md4(deps, job.password, job.salt, job.rounds, job.length)
          : sha(deps, job.kind, job.password, job.salt, job.rounds);
    parentPort.postMessage({ id, checksum });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error) });
  } finally {
    job.password.fill(0);
  }
});`;
}
