/**
 * Peer message types: an APPEND-ONLY numeric enum. A value, once released, is never reused or
 * renumbered, even after its message is retired (mark it deprecated instead). Ranges keep the
 * families apart:
 *     1– 15  connection: handshake, liveness
 *    16– 47  coordinator ↔ replica
 *    48– 79  membership / gossip
 *    80–111  handoff (hints, ownership transfer)
 *   112–143  anti-entropy
 *   144–255  unassigned
 */
export enum MessageType {
  // — connection (owned by the transport; handlers cannot be registered for these) —
  /** initiator → acceptor: version, node id, advertised address, nonce */
  HELLO = 1,
  /** acceptor → initiator: its node id, address, nonce and proof of the secret */
  HELLO_CHALLENGE = 2,
  /** initiator → acceptor: proof of the secret */
  HELLO_PROOF = 3,
  /** acceptor → initiator: handshake accepted, the connection is open */
  HELLO_OK = 4,
  /** liveness probe; answered by the transport itself with the request body echoed */
  PING = 5,

  // — coordinator ↔ replica (16–47) —
  REPLICA_READ = 16,
  REPLICA_WRITE = 17,
  /** a request forwarded (one hop) to a node that coordinates the key */
  COORDINATE_READ = 18,
  COORDINATE_WRITE = 19,
  /** a replica's records of a window of slots (cluster-wide KEYS / SCAN / DBSIZE) */
  REPLICA_SCAN = 20,
  /** several REPLICA_WRITEs in one request, answered with which of them failed */
  REPLICA_WRITE_BATCH = 21,
  /** several REPLICA_READs in one request, answered with each key's record (or why not) */
  REPLICA_READ_BATCH = 22,
  /** a client command that reads and then writes one key, run on the key's first healthy replica; answered with its reply */
  COORDINATE_COMMAND = 23,

  // — membership / gossip (48–79) —
  GOSSIP = 48,

  // — handoff / ownership transfer (80–111); 80–83 left to hinted handoff —
  /** a page of a replica's records of some slot spans, after a cursor (join, re-replication) */
  TRANSFER_PULL = 84,
  /** records a leaving node hands to a new holder */
  TRANSFER_PUSH = 85,

  // — anti-entropy (112–143) —
  /** digest of the replica's tree over a list of partitions */
  AE_ROOT = 112,
  /** the inner hashes (one per partition) of a list of partitions */
  AE_PARTITION_HASHES = 113,
  /** the leaf hashes (one per slot) of a list of partitions */
  AE_SLOT_HASHES = 114,
  /** a page of one slot's key summaries (key, record hash) */
  AE_KEYS = 115,
  /** records of differing keys: the receiver merges them and answers with its own */
  AE_SYNC = 116,
  /** tombstone GC: a node's record of each key and whether it keeps a hint for it */
  GC_CHECK = 117,
}

/** Types the transport answers itself. */
export const CONNECTION_TYPES: ReadonlySet<number> = new Set([
  MessageType.HELLO,
  MessageType.HELLO_CHALLENGE,
  MessageType.HELLO_PROOF,
  MessageType.HELLO_OK,
  MessageType.PING,
]);

const KNOWN: ReadonlySet<number> = new Set(
  Object.values(MessageType).filter((v): v is number => typeof v === 'number'),
);

/** True for a value this build's enum defines. */
export function isKnownMessageType(n: number): n is MessageType {
  return KNOWN.has(n);
}

/** 'REPLICA_READ' for 16; '#200' for an unknown value. For logs and errors. */
export function messageTypeName(n: number): string {
  return isKnownMessageType(n) ? MessageType[n] : `#${n}`;
}
