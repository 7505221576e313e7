/** Constants of the binary record layout shared by record-codec.ts and record-decode.ts. */

export const RECORD_FORMAT_VERSION = 1;
/** a counter's per-node total may take at most this many varint bytes (224 bits) */
export const MAX_BIGINT_BYTES = 32;
export const KIND_TOMBSTONE = 0;
export const KIND_BYTES = 1;
export const KIND_COUNTER = 2;
export const F_KIND = 3;
export const F_EXPIRE = 4;
export const F_TS_NEG = 8;
export const F_EXP_NEG = 16;
export const F_KNOWN = F_KIND | F_EXPIRE | F_TS_NEG | F_EXP_NEG;
