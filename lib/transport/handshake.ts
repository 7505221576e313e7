/**
 * The handshake's messages and proofs (pure; nonces are passed in).
 *
 *   initiator → HELLO           { version, nodeId, address, nonceI }
 *   acceptor  → HELLO_CHALLENGE { version, nodeId, address, nonceA, proofA }
 *   initiator → HELLO_PROOF     { proofI }            (after checking proofA)
 *   acceptor  → HELLO_OK        {}                    (after checking proofI)
 *
 * proof = HMAC-SHA256(secret, role ‖ version ‖ nonceI ‖ nonceA ‖ idI ‖ idA), with a different
 * role label per side so one side's proof cannot be reflected back as the other's. Each side
 * proves the secret over a nonce the other side chose, so a recorded handshake cannot be
 * replayed. With no secret (loopback-only clusters) the key is empty: ids and nonces are still
 * exchanged, and a node with a secret refuses one without.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const NONCE_SIZE = 32;
export const PROOF_SIZE = 32;
const MAX_FIELD = 255;

export interface Hello {
  readonly version: number;
  readonly nodeId: string;
  readonly address: string;
  readonly nonce: Buffer;
}

export interface Challenge extends Hello {
  readonly proof: Buffer;
}

export type Role = 'initiator' | 'acceptor';

export function computeProof(
  secret: string | null,
  role: Role,
  version: number,
  nonceI: Buffer,
  nonceA: Buffer,
  idI: string,
  idA: string,
): Buffer {
  const mac = createHmac('sha256', secret ?? '');
  const field = (b: Buffer): void => {
    const len = Buffer.allocUnsafe(4);
    len.writeUInt32BE(b.length, 0);
    mac.update(len).update(b);
  };
  field(Buffer.from(`quorumkv-${role}`));
  field(Buffer.from([version]));
  field(nonceI);
  field(nonceA);
  field(Buffer.from(idI, 'utf8'));
  field(Buffer.from(idA, 'utf8'));
  return mac.digest();
}

/** Constant-time comparison; false for a wrong length. */
export function proofMatches(expected: Buffer, got: Buffer): boolean {
  return got.length === expected.length && timingSafeEqual(expected, got);
}

function shortString(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  if (b.length > MAX_FIELD) throw new RangeError(`handshake field longer than ${MAX_FIELD} bytes`);
  return Buffer.concat([Buffer.from([b.length]), b]);
}

export function encodeHello(h: Hello): Buffer {
  return Buffer.concat([Buffer.from([h.version]), shortString(h.nodeId), shortString(h.address), h.nonce]);
}

export function encodeChallenge(c: Challenge): Buffer {
  return Buffer.concat([encodeHello(c), c.proof]);
}

export function encodeProof(proof: Buffer): Buffer {
  return proof;
}

/** Reads a HELLO (withProof false) or HELLO_CHALLENGE body; null when malformed. */
function decodeHelloLike(body: Buffer, withProof: boolean): Challenge | null {
  let at = 0;
  const byte = (): number | null => (at < body.length ? body[at++]! : null);
  const str = (): string | null => {
    const len = byte();
    if (len === null || len === 0 || at + len > body.length) return null;
    const s = body.toString('utf8', at, at + len);
    at += len;
    return s;
  };
  const version = byte();
  const nodeId = str();
  const address = str();
  if (version === null || nodeId === null || address === null) return null;
  const expected = at + NONCE_SIZE + (withProof ? PROOF_SIZE : 0);
  if (body.length !== expected) return null;
  const nonce = Buffer.from(body.subarray(at, at + NONCE_SIZE));
  const proof = Buffer.from(body.subarray(at + NONCE_SIZE));
  return { version, nodeId, address, nonce, proof };
}

export function decodeHello(body: Buffer): Hello | null {
  return decodeHelloLike(body, false);
}

export function decodeChallenge(body: Buffer): Challenge | null {
  return decodeHelloLike(body, true);
}

export function decodeProof(body: Buffer): Buffer | null {
  return body.length === PROOF_SIZE ? Buffer.from(body) : null;
}
