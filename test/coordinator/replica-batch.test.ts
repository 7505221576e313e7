import { expect } from 'chai';
import { MAX_BATCH, ReplicaBatcher } from '../../lib/coordinator/replica-batch';
import { REPLICA_READS, REPLICA_WRITES, writeFailures, type WriteRequest } from '../../lib/coordinator/replica-requests';
import { pack, unpackObject } from '../../lib/coordinator/messages';
import { MessageType } from '../../lib/transport/message-type';
import { TransportError } from '../../lib/transport/errors';

interface Sent {
  readonly id: string;
  readonly type: MessageType;
  readonly body: Record<string, unknown>;
  answer(res: Buffer): void;
  fail(err: unknown): void;
}

/** the requests a batcher sends, which the test answers by hand */
function sender(): { sent: Sent[]; request: (id: string, type: MessageType, body: Buffer) => Promise<Buffer> } {
  const sent: Sent[] = [];
  const request = (id: string, type: MessageType, body: Buffer) =>
    new Promise<Buffer>((answer, fail) => sent.push({ id, type, body: unpackObject(body), answer, fail }));
  return { sent, request };
}

/** a batcher of REPLICA_WRITEs with write(id, key, record, hintFor) */
function writer(): { w: { write(id: string, k: Buffer, r: Buffer, h: string | undefined): Promise<void> }; sent: Sent[] } {
  const { sent, request } = sender();
  const batcher = new ReplicaBatcher<WriteRequest, void>(REPLICA_WRITES, request);
  return { w: { write: (id, key, record, h) => batcher.send(id, { key, record, hintFor: h ?? null }) }, sent };
}

/** what each request settled with: 'ok' (or its answer) or the error's code/remote code */
function outcomes(ps: Array<Promise<unknown>>): Promise<string[]> {
  return Promise.all(
    ps.map((p) =>
      p.then(
        (a) => (Buffer.isBuffer(a) ? a.toString() : 'ok'),
        (e: TransportError) => `${e.code}${e.remoteCode ? ` ${e.remoteCode}` : ''}`,
      ),
    ),
  );
}

const b = (s: string): Buffer => Buffer.from(s);
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('ReplicaBatcher: the requests of one microtask run to one replica leave as one request', () => {
  it('a write alone goes as a plain REPLICA_WRITE', async () => {
    const { w, sent } = writer();
    const p = w.write('n2', b('k'), b('rec'), undefined);
    await tick();
    expect(sent.map((s) => [s.id, s.type])).to.deep.equal([['n2', MessageType.REPLICA_WRITE]]);
    expect(sent[0].body).to.deep.equal({ k: b('k'), r: b('rec'), h: null });
    sent[0].answer(pack({}));
    expect(await outcomes([p])).to.deep.equal(['ok']);
  });

  it('writes issued together go as one REPLICA_WRITE_BATCH per replica, in order, hints kept', async () => {
    const { w, sent } = writer();
    const ps = [
      w.write('n2', b('a'), b('ra'), undefined),
      w.write('n3', b('a'), b('ra'), undefined),
      w.write('n2', b('b'), b('rb'), 'n4'),
      w.write('n2', b('c'), b('rc'), undefined),
    ];
    await tick();
    expect(sent.map((s) => [s.id, s.type])).to.deep.equal([
      ['n2', MessageType.REPLICA_WRITE_BATCH],
      ['n3', MessageType.REPLICA_WRITE],
    ]);
    expect(sent[0].body).to.deep.equal({ k: [b('a'), b('b'), b('c')], r: [b('ra'), b('rb'), b('rc')], h: [null, 'n4', null] });
    // the replica says its second write failed
    sent[0].answer(pack({ e: [null, 'STORE_WRITE_FAILED disk full', null] }));
    sent[1].answer(pack({}));
    expect(await outcomes(ps)).to.deep.equal(['ok', 'ok', 'REMOTE_ERROR STORE_WRITE_FAILED', 'ok']);
  });

  it('a batch that fails as a whole fails each of its writes with that error', async () => {
    const { w, sent } = writer();
    const ps = [w.write('n2', b('a'), b('ra'), undefined), w.write('n2', b('b'), b('rb'), undefined)];
    await tick();
    sent[0].fail(new TransportError('TIMEOUT', 'no reply'));
    expect(await outcomes(ps)).to.deep.equal(['TIMEOUT', 'TIMEOUT']);
  });

  it('an answer that does not list one outcome per write fails them all', async () => {
    const { w, sent } = writer();
    const ps = [w.write('n2', b('a'), b('ra'), undefined), w.write('n2', b('b'), b('rb'), undefined)];
    await tick();
    sent[0].answer(pack({ e: [null] }));
    expect(await outcomes(ps)).to.deep.equal(['BAD_MESSAGE', 'BAD_MESSAGE']);
  });

  it(`splits more than ${MAX_BATCH} writes into several batches`, async () => {
    const { w, sent } = writer();
    const ps = Array.from({ length: MAX_BATCH + 3 }, (_, i) => w.write('n2', b(`k${i}`), b('r'), undefined));
    await tick();
    expect(sent.map((s) => (s.body.k as Buffer[]).length)).to.deep.equal([MAX_BATCH, 3]);
    for (const s of sent) s.answer(pack({}));
    expect(new Set(await outcomes(ps))).to.deep.equal(new Set(['ok']));
  });

  it('writes issued in a later microtask run go in a later request', async () => {
    const { w, sent } = writer();
    void w.write('n2', b('a'), b('ra'), undefined);
    await tick();
    void w.write('n2', b('b'), b('rb'), undefined);
    await tick();
    expect(sent.map((s) => s.type)).to.deep.equal([MessageType.REPLICA_WRITE, MessageType.REPLICA_WRITE]);
  });

  it('writeFailures: null when every write landed, the list otherwise, an error when malformed', () => {
    expect(writeFailures(pack({}), 2)).to.equal(null);
    expect(writeFailures(pack({ e: [null, 'ERR x'] }), 2)).to.deep.equal([null, 'ERR x']);
    expect(() => writeFailures(pack({ e: [null, 3] }), 2)).to.throw(/field 'e'/);
    expect(() => writeFailures(pack({ e: 'x' }), 1)).to.throw(/field 'e'/);
  });

  it('reads issued together go as one REPLICA_READ_BATCH; each gets its record or its error', async () => {
    const { sent, request } = sender();
    const r = new ReplicaBatcher(REPLICA_READS, request);
    const alone = r.send('n3', b('x'));
    const ps = [r.send('n2', b('a')), r.send('n2', b('b')), r.send('n2', b('c'))];
    await tick();
    expect(sent.map((s) => [s.id, s.type])).to.deep.equal([
      ['n3', MessageType.REPLICA_READ],
      ['n2', MessageType.REPLICA_READ_BATCH],
    ]);
    expect(sent[0].body).to.deep.equal({ k: b('x') });
    expect(sent[1].body).to.deep.equal({ k: [b('a'), b('b'), b('c')] });
    sent[0].answer(pack({ r: b('rx') }));
    sent[1].answer(pack({ r: [b('ra'), 'STORE_READ_FAILED bad block', b('rc')] }));
    expect(await outcomes([alone, ...ps])).to.deep.equal(['rx', 'ra', 'REMOTE_ERROR STORE_READ_FAILED', 'rc']);
  });

  it('a read batch answer without one record per key fails every read of it', async () => {
    const { sent, request } = sender();
    const r = new ReplicaBatcher(REPLICA_READS, request);
    const ps = [r.send('n2', b('a')), r.send('n2', b('b'))];
    await tick();
    sent[0].answer(pack({ r: [b('ra')] }));
    expect(await outcomes(ps)).to.deep.equal(['BAD_MESSAGE', 'BAD_MESSAGE']);
  });
  it('with a later schedule, requests of several microtask runs share one batch', async () => {
    const { sent, request } = sender();
    const later: Array<() => void> = [];
    const r = new ReplicaBatcher(REPLICA_READS, request, (send) => later.push(send));
    const ps = [r.send('n2', b('a'))];
    await Promise.resolve();
    ps.push(r.send('n2', b('b')));
    await tick();
    expect(sent).to.have.length(0);
    for (const send of later.splice(0)) send();
    expect(sent.map((s) => [s.type, (s.body.k as Buffer[]).length])).to.deep.equal([[MessageType.REPLICA_READ_BATCH, 2]]);
    sent[0].answer(pack({ r: [b('ra'), b('rb')] }));
    expect(await outcomes(ps)).to.deep.equal(['ra', 'rb']);
  });
});
