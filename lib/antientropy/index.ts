/** Merkle-tree anti-entropy: incrementally kept trees per replica, their diff, exchange sessions. */
export { MerkleTree, HASH_BYTES, type TreeReader } from './merkle';
export { diffTrees, type TreeDiff, type DiffOptions } from './tree-diff';
export { diffKeys, type KeyHash, type Span } from './key-diff';
export { entryHash, isAbsent, RecordHasher, ABSENT } from './record-hash';
export { ReplicaTree, xorOf } from './replica-tree';
export { sharedPartitions, bothReplicate, exchangePeers } from './shared-partitions';
export { runExchange, remoteTree, type ExchangeLimits, type ExchangeResult, type Pace } from './exchange';
export { AntiEntropy, antiEntropyInfoFields, type AntiEntropyOptions, type AntiEntropyPacer, type AntiEntropyStats } from './anti-entropy';
export { AntiEntropyError, type AntiEntropyErrorCode } from './errors';
export { registerAntiEntropyHandlers, type ResponderDeps } from './handlers';
