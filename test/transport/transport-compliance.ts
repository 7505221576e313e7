/**
 * The one behaviour suite every Transport passes. Each implementation supplies a harness: how
 * to make started nodes, stop and restart them, and how time passes (real for TCP, a manual
 * clock for the in-memory network).
 */
import { expect } from 'chai';
import { MessageType } from '../../lib/transport/message-type';
import { TransportError } from '../../lib/transport/errors';
import type { Transport } from '../../lib/transport/transport';

export interface ComplianceNode {
  readonly id: string;
  readonly address: string;
  readonly transport: Transport;
}

export interface ComplianceHarness {
  /** a started node */
  node(id: string): Promise<ComplianceNode>;
  /** the node stops (its handlers stop answering; its address refuses) */
  stop(node: ComplianceNode): Promise<void>;
  /** a fresh, started node with the stopped node's id and address (handlers not registered) */
  restart(node: ComplianceNode): Promise<ComplianceNode>;
  /** an address where nothing listens */
  deadAddress(): Promise<string>;
  /** resolves after `ms` of the harness's time, without moving time itself */
  delay(ms: number): Promise<void>;
  /** lets `ms` of the harness's time pass */
  pass(ms: number): Promise<void>;
  /** awaits `p`, moving the harness's time along until it settles */
  settle<T>(p: Promise<T>): Promise<T>;
  teardown(): Promise<void>;
}

/** The TransportError `p` rejects with (fails the test if it resolves or rejects otherwise). */
export async function rejection(p: Promise<unknown>): Promise<TransportError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(TransportError);
    return err as TransportError;
  }
  throw new Error('expected a rejection, got a response');
}

function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  return b;
}

export function transportCompliance(name: string, factory: () => ComplianceHarness): void {
  describe(`Transport compliance: ${name}`, function () {
    let h: ComplianceHarness;
    let a: ComplianceNode;
    let b: ComplianceNode;

    beforeEach(async () => {
      h = factory();
      a = await h.node('node-a');
      b = await h.node('node-b');
    });
    afterEach(async () => h.teardown());

    it('round-trips binary bodies of every size and names the sender', async () => {
      const seen: string[] = [];
      b.transport.handle(MessageType.REPLICA_READ, (body, from) => {
        seen.push(`${from.id}@${from.address}`);
        return Buffer.concat([Buffer.from([0xff, 0x00, 0x0d, 0x0a]), body]);
      });
      for (const body of [Buffer.alloc(0), bytes(256, 1), Buffer.from('\r\n\0'), bytes(300_000, 2)]) {
        const reply = await h.settle(a.transport.request(b.address, MessageType.REPLICA_READ, body, 5000));
        expect(reply.equals(Buffer.concat([Buffer.from([0xff, 0x00, 0x0d, 0x0a]), body]))).to.equal(true);
      }
      expect(seen).to.deep.equal(Array(4).fill(`node-a@${a.address}`));
    });

    it('answers PING with the body it was sent', async () => {
      const reply = await h.settle(a.transport.request(b.address, MessageType.PING, Buffer.from('hi'), 5000));
      expect(reply.toString()).to.equal('hi');
    });

    it('matches 1000 concurrent requests to their replies by id, whatever order they finish in', async () => {
      b.transport.handle(MessageType.REPLICA_WRITE, async (body) => {
        await h.delay(body.readUInt32BE(0) % 7);
        return Buffer.concat([body, body]);
      });
      const requests = Array.from({ length: 1000 }, (_, i) => {
        const body = Buffer.alloc(8);
        body.writeUInt32BE(i * 13, 0);
        body.writeUInt32BE(i, 4);
        return a.transport.request(b.address, MessageType.REPLICA_WRITE, body, 10_000).then((r) => ({ i, r }));
      });
      const replies = await h.settle(Promise.all(requests));
      for (const { i, r } of replies) {
        expect(r.length).to.equal(16);
        expect(r.readUInt32BE(4)).to.equal(i);
        expect(r.readUInt32BE(12)).to.equal(i);
      }
    });

    it('turns a handler error into REMOTE_ERROR carrying its code and message', async () => {
      b.transport.handle(MessageType.REPLICA_READ, () => {
        throw Object.assign(new Error('disk on fire'), { code: 'STORE_FAILED' });
      });
      b.transport.handle(MessageType.REPLICA_WRITE, async () => {
        throw new Error('plain failure');
      });
      const e1 = await rejection(h.settle(a.transport.request(b.address, MessageType.REPLICA_READ, Buffer.alloc(1), 5000)));
      expect([e1.code, e1.remoteCode, e1.message]).to.deep.equal(['REMOTE_ERROR', 'STORE_FAILED', 'disk on fire']);
      const e2 = await rejection(h.settle(a.transport.request(b.address, MessageType.REPLICA_WRITE, Buffer.alloc(1), 5000)));
      expect([e2.code, e2.remoteCode, e2.message]).to.deep.equal(['REMOTE_ERROR', 'ERR', 'plain failure']);
      // The connection survives: a later request is answered.
      const e3 = await rejection(h.settle(a.transport.request(b.address, MessageType.GOSSIP, Buffer.alloc(1), 5000)));
      expect([e3.code, e3.remoteCode]).to.deep.equal(['REMOTE_ERROR', 'NO_HANDLER']);
    });

    it('rejects TIMEOUT when no reply comes in time, and ignores the late reply', async () => {
      b.transport.handle(MessageType.REPLICA_READ, () => new Promise<Buffer>(() => undefined));
      b.transport.handle(MessageType.REPLICA_WRITE, async () => {
        await h.delay(100);
        return Buffer.from('late');
      });
      const e1 = await rejection(h.settle(a.transport.request(b.address, MessageType.REPLICA_READ, Buffer.alloc(0), 50)));
      expect(e1.code).to.equal('TIMEOUT');
      const e2 = await rejection(h.settle(a.transport.request(b.address, MessageType.REPLICA_WRITE, Buffer.alloc(0), 30)));
      expect(e2.code).to.equal('TIMEOUT');
      await h.pass(150);
      const ok = await h.settle(a.transport.request(b.address, MessageType.PING, Buffer.from('x'), 5000));
      expect(ok.toString()).to.equal('x');
    });

    it('fails UNREACHABLE or TIMEOUT when the peer is down or was never there', async () => {
      await h.settle(a.transport.request(b.address, MessageType.PING, Buffer.alloc(0), 5000));
      await h.stop(b);
      const e1 = await rejection(h.settle(a.transport.request(b.address, MessageType.PING, Buffer.alloc(0), 500)));
      expect(e1.code).to.be.oneOf(['UNREACHABLE', 'TIMEOUT', 'CLOSED']);
      const e2 = await rejection(h.settle(a.transport.request(await h.deadAddress(), MessageType.PING, Buffer.alloc(0), 500)));
      expect(e2.code).to.be.oneOf(['UNREACHABLE', 'TIMEOUT']);
    });

    it('reaches the peer again after it restarts', async () => {
      await h.settle(a.transport.request(b.address, MessageType.PING, Buffer.alloc(0), 5000));
      await h.stop(b);
      await rejection(h.settle(a.transport.request(b.address, MessageType.PING, Buffer.alloc(0), 300)));
      const b2 = await h.restart(b);
      b2.transport.handle(MessageType.REPLICA_READ, () => Buffer.from('back'));
      let reply: Buffer | null = null;
      for (let attempt = 0; attempt < 100 && reply === null; attempt++) {
        try {
          reply = await h.settle(a.transport.request(b2.address, MessageType.REPLICA_READ, Buffer.alloc(0), 300));
        } catch (err) {
          expect(err).to.be.instanceOf(TransportError);
          await h.pass(50);
        }
      }
      expect(reply?.toString()).to.equal('back');
    });

    it('rejects waiting requests with CLOSED when the transport closes', async () => {
      b.transport.handle(MessageType.REPLICA_READ, () => new Promise<Buffer>(() => undefined));
      const waiting = a.transport.request(b.address, MessageType.REPLICA_READ, Buffer.alloc(0), 10_000);
      await h.pass(20);
      await a.transport.close();
      expect((await rejection(waiting)).code).to.equal('CLOSED');
      expect((await rejection(a.transport.request(b.address, MessageType.PING, Buffer.alloc(0), 100))).code).to.equal('CLOSED');
    });

    it('refuses a second handler for a type and handlers for connection types', () => {
      b.transport.handle(MessageType.REPLICA_READ, () => Buffer.alloc(0));
      expect(() => b.transport.handle(MessageType.REPLICA_READ, () => Buffer.alloc(0))).to.throw().with.property('code', 'BAD_USAGE');
      expect(() => b.transport.handle(MessageType.HELLO, () => Buffer.alloc(0))).to.throw().with.property('code', 'BAD_USAGE');
    });
  });
}
