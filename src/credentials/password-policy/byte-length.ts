import { Buffer } from "node:buffer";

/** Length of `s` in UTF-8 bytes, the unit Kratos (Go's `len`) measures passwords in. */
export function utf8ByteLength(s: string): number {
  return Buffer.byteLength(s, "utf8");
}
