/** The structure tokens of MemoryStorage's flat records (record-layouts.ts, record-walk.ts), besides member names. */
export const OBJECT = 0;
export const ARRAY = 1;
export const END = 2;
export const LEAF = 3;
export const STAMP = 4;
export type Special = typeof OBJECT | typeof ARRAY | typeof END | typeof LEAF | typeof STAMP;
/** A structure token: a special token, or a member name. */
export type Token = Special | string;
