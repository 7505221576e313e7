import { expect } from 'chai';
import { formatAddress, isLoopback, parseAddress } from '../../lib/transport/address';
import { decodeErrorBody, encodeErrorBody } from '../../lib/transport/error-body';
import * as hs from '../../lib/transport/handshake';
import { MessageType, isKnownMessageType, messageTypeName } from '../../lib/transport/message-type';

const nI = Buffer.alloc(32, 1);
const nA = Buffer.alloc(32, 2);

describe('handshake proofs', () => {
  it('the same secret, nonces and ids give the same proof', () => {
    expect(hs.computeProof('s', 'initiator', 1, nI, nA, 'a', 'b').equals(hs.computeProof('s', 'initiator', 1, nI, nA, 'a', 'b'))).to.equal(true);
  });

  it('a different secret, role, nonce or id gives a different proof', () => {
    const base = hs.computeProof('s', 'initiator', 1, nI, nA, 'a', 'b');
    const variants = [
      hs.computeProof('t', 'initiator', 1, nI, nA, 'a', 'b'),
      hs.computeProof(null, 'initiator', 1, nI, nA, 'a', 'b'),
      hs.computeProof('s', 'acceptor', 1, nI, nA, 'a', 'b'),
      hs.computeProof('s', 'initiator', 2, nI, nA, 'a', 'b'),
      hs.computeProof('s', 'initiator', 1, nA, nI, 'a', 'b'),
      hs.computeProof('s', 'initiator', 1, nI, nA, 'b', 'a'),
      hs.computeProof('s', 'initiator', 1, nI, nA, 'ab', ''),
    ];
    for (const v of variants) expect(hs.proofMatches(base, v)).to.equal(false);
    expect(hs.proofMatches(base, base.subarray(0, 16))).to.equal(false);
  });

  it('HELLO and HELLO_CHALLENGE round-trip, and malformed bodies decode as null', () => {
    const hello = { version: 1, nodeId: 'node-1', address: '[::1]:17001', nonce: nI };
    expect(hs.decodeHello(hs.encodeHello(hello))).to.deep.include({ version: 1, nodeId: 'node-1', address: '[::1]:17001' });
    const ch = { ...hello, proof: Buffer.alloc(32, 9) };
    expect(hs.decodeChallenge(hs.encodeChallenge(ch))?.proof.equals(ch.proof)).to.equal(true);
    const enc = hs.encodeHello(hello);
    for (const bad of [Buffer.alloc(0), enc.subarray(0, enc.length - 1), Buffer.concat([enc, Buffer.alloc(1)]), Buffer.from([1, 0, 0])]) {
      expect(hs.decodeHello(bad)).to.equal(null);
    }
    expect(hs.decodeProof(Buffer.alloc(31))).to.equal(null);
  });
});

describe('addresses, error bodies, message types', () => {
  it('parses host:port and bracketed IPv6, and rejects the malformed', () => {
    expect(parseAddress('10.0.0.1:17001')).to.deep.equal({ host: '10.0.0.1', port: 17001 });
    expect(parseAddress('[::1]:7')).to.deep.equal({ host: '::1', port: 7 });
    for (const bad of ['x', 'h:0', 'h:70000', '::1:5', 'h:', ':5']) expect(parseAddress(bad), bad).to.equal(null);
    expect(formatAddress('::1', 7)).to.equal('[::1]:7');
  });

  it('recognises loopback addresses only', () => {
    for (const ip of ['127.0.0.1', '127.255.0.9', '::1', '::ffff:127.0.0.1']) expect(isLoopback(ip), ip).to.equal(true);
    for (const ip of ['10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1', '1127.0.0.1', '', undefined]) expect(isLoopback(ip), String(ip)).to.equal(false);
  });

  it('error bodies round-trip and a malformed one decodes without throwing', () => {
    expect(decodeErrorBody(encodeErrorBody('NOPE', 'it failed ✓'))).to.deep.equal({ code: 'NOPE', message: 'it failed ✓' });
    expect(decodeErrorBody(Buffer.from([0xff, 0xff, 1])).code).to.equal('ERR');
  });

  it('message type values are fixed (append-only enum)', () => {
    expect([MessageType.HELLO, MessageType.PING, MessageType.REPLICA_READ, MessageType.REPLICA_WRITE, MessageType.GOSSIP]).to.deep.equal([1, 5, 16, 17, 48]);
    expect(isKnownMessageType(200)).to.equal(false);
    expect(messageTypeName(16)).to.equal('REPLICA_READ');
    expect(messageTypeName(200)).to.equal('#200');
  });
});
