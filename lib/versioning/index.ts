/** The versioning core: dotted version vector sets, their merge, reads, and codecs. Pure. */
export type { Dot, NewVersion, NodeId, Payload, Sibling, VersionVector, VRecord } from './types';
export { VersioningError, isVersioningError, type VersioningErrorCode } from './errors';
export {
  compareDots,
  compareNodes,
  coversDot,
  emptyVV,
  joinVV,
  vvConcurrent,
  vvDescends,
  vvEquals,
  vvFrom,
  vvGet,
  vvSet,
} from './vv';
export {
  canonicalSiblings,
  comparePayloads,
  compareSiblingContent,
  compareSiblings,
  siblingsEqual,
} from './sibling';
export { applyWrite, emptyRecord, mergeAll, mergeRecords, recordsEqual } from './record';
export {
  isDead,
  isExpired,
  isLive,
  latestSibling,
  liveSiblings,
  visible,
  writtenAfter,
} from './read';
export {
  MAX_CONTEXT_CHARS,
  decodeContext,
  decodeContextBytes,
  encodeContext,
  encodeContextBytes,
} from './context-codec';
export { encodeRecord } from './record-codec';
export { RECORD_FORMAT_VERSION } from './record-format';
export { decodeRecord } from './record-decode';
export {
  addToCounter,
  counterValue,
  joinCounters,
  joinCounterSiblings,
  zeroCounter,
  type CounterPayload,
} from './counter';
