import { expect } from 'chai';
import fc from 'fast-check';
import { encodeFrame, FrameKind, HEADER_SIZE, MAX_BODY_SIZE, type Frame } from '../../lib/transport/frame';
import { FrameDecoder, type DecodeEvent } from '../../lib/transport/frame-decoder';
import { MessageType } from '../../lib/transport/message-type';

const sample: Array<[number, FrameKind, number, Buffer]> = [
  [MessageType.HELLO, FrameKind.REQUEST, 0, Buffer.from('hello')],
  [MessageType.REPLICA_READ, FrameKind.RESPONSE, 0xffffffff, Buffer.alloc(0)],
  [MessageType.PING, FrameKind.ERROR, 7, Buffer.from([0, 1, 2, 255, 13, 10])],
  [MessageType.GOSSIP, FrameKind.REQUEST, 123456, Buffer.alloc(1000, 0xab)],
];
const stream = Buffer.concat(sample.map(([t, k, id, b]) => encodeFrame(t, k, id, b)));

function summary(events: DecodeEvent[]): string[] {
  return events.map((e) => (e.kind === 'violation' ? `violation` : `${e.kind}:${show(e.frame)}`));
}
function show(f: Frame): string {
  return `${f.type}/${f.kind}/${f.requestId}/${f.body.toString('hex')}`;
}
const expected = sample.map(([t, k, id, b]) => `frame:${t}/${k}/${id}/${b.toString('hex')}`);

describe('FrameDecoder', () => {
  it('decodes several frames fed whole', () => {
    expect(summary(new FrameDecoder().feed(stream))).to.deep.equal(expected);
  });

  it('decodes the same frames fed byte by byte', () => {
    const d = new FrameDecoder();
    const events: DecodeEvent[] = [];
    for (let i = 0; i < stream.length; i++) events.push(...d.feed(stream.subarray(i, i + 1)));
    expect(summary(events)).to.deep.equal(expected);
    expect(d.bufferedBytes).to.equal(0);
  });

  it('decodes the same frames split in two at every boundary', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const d = new FrameDecoder();
      const events = [...d.feed(stream.subarray(0, cut)), ...d.feed(stream.subarray(cut))];
      expect(summary(events), `split at ${cut}`).to.deep.equal(expected);
    }
  });

  it('reports a frame of an unknown type with its id instead of failing', () => {
    const events = new FrameDecoder().feed(Buffer.concat([encodeFrame(250, FrameKind.REQUEST, 5, Buffer.from('x')), stream]));
    expect(summary(events)).to.deep.equal([`unknown-type:250/0/5/78`, ...expected]);
  });

  it('reports a wrong protocol version, bad flags or bad length as a violation and then ignores input', () => {
    const badVersion = encodeFrame(MessageType.PING, FrameKind.REQUEST, 1, Buffer.alloc(0));
    badVersion[4] = 2;
    const badFlags = encodeFrame(MessageType.PING, FrameKind.REQUEST, 1, Buffer.alloc(0));
    badFlags[6] = 9;
    const tooShort = Buffer.from([0, 0, 0, 3, 1, 1, 0]);
    const tooLong = Buffer.alloc(HEADER_SIZE);
    tooLong.writeUInt32BE(MAX_BODY_SIZE + 8, 0);
    for (const bad of [badVersion, badFlags, tooShort, tooLong]) {
      const d = new FrameDecoder();
      expect(summary(d.feed(Buffer.concat([bad, stream])))).to.deep.equal(['violation']);
      expect(d.broken).to.equal(true);
      expect(d.feed(stream)).to.deep.equal([]);
    }
  });

  it('rejects an oversized length as soon as the length arrives, before buffering the body', () => {
    const d = new FrameDecoder(1024);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(7 + 1025, 0);
    expect(summary(d.feed(head))).to.deep.equal(['violation']);
  });

  it('never throws on arbitrary bytes, and reports at most one violation', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), (chunks) => {
        const d = new FrameDecoder(4096);
        const events = chunks.flatMap((c) => d.feed(Buffer.from(c)));
        expect(events.filter((e) => e.kind === 'violation').length).to.be.at.most(1);
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes any sequence of valid frames however it is chunked', () => {
    const frameArb = fc.record({
      type: fc.constantFrom(MessageType.PING, MessageType.REPLICA_READ, MessageType.REPLICA_WRITE),
      kind: fc.constantFrom(FrameKind.REQUEST, FrameKind.RESPONSE, FrameKind.ERROR),
      id: fc.nat({ max: 0xffffffff }),
      body: fc.uint8Array({ maxLength: 300 }),
    });
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 10 }), fc.array(fc.nat({ max: 50 }), { minLength: 1, maxLength: 10 }), (frames, sizes) => {
        const bytes = Buffer.concat(frames.map((f) => encodeFrame(f.type, f.kind, f.id, Buffer.from(f.body))));
        const d = new FrameDecoder();
        const events: DecodeEvent[] = [];
        for (let at = 0, i = 0; at < bytes.length; i++) {
          const n = sizes[i % sizes.length]! + 1;
          events.push(...d.feed(bytes.subarray(at, at + n)));
          at += n;
        }
        expect(summary(events)).to.deep.equal(
          frames.map((f) => `frame:${f.type}/${f.kind}/${f.id}/${Buffer.from(f.body).toString('hex')}`),
        );
      }),
      { numRuns: 300 },
    );
  });
});
