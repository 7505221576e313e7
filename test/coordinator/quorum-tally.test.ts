import { expect } from 'chai';
import { QuorumTally } from '../../lib/coordinator/quorum-tally';
import { fanout } from '../../lib/coordinator/fanout';
import { QuorumError } from '../../lib/coordinator/quorum-tally';

describe('QuorumTally (decided as early as possible)', () => {
  it('is met at exactly W acknowledgements', () => {
    const t = new QuorumTally(2, 3);
    expect(t.success()).to.equal('pending');
    expect(t.success()).to.equal('met');
  });

  it('fails as soon as the replicas still out cannot make up the quorum', () => {
    const t = new QuorumTally(2, 3);
    expect(t.failure('a', 'TIMEOUT')).to.equal('pending');
    expect(t.failure('b', 'UNREACHABLE')).to.equal('failed');
    expect(t.describe('write')).to.match(/write needed 2 replicas, 0 of 3 reachable answered \(a: TIMEOUT, b: UNREACHABLE\)/);
  });

  it('fails at once when fewer replicas are reachable than needed', () => {
    expect(new QuorumTally(3, 2).state()).to.equal('failed');
  });

  it('a failed replica with a stand-in asked in its place does not count against the quorum', () => {
    const t = new QuorumTally(2, 2);
    expect(t.substitute('a', 'TIMEOUT')).to.equal('pending');
    expect(t.asked).to.equal(3);
    expect(t.success()).to.equal('pending');
    expect(t.success()).to.equal('met');
  });
});

describe('fanout', () => {
  const later = <T>(v: T, ms: number) => new Promise<T>((r) => setTimeout(() => r(v), ms));
  const failLater = (ms: number) =>
    new Promise<never>((_r, rej) => setTimeout(() => rej(Object.assign(new Error('down'), { code: 'TIMEOUT' })), ms));

  it('answers with the first R replies and later settles with all of them (for read repair)', async () => {
    const res = await fanout('read', ['a', 'b', 'c'], 2, (id) => later(id, id === 'c' ? 30 : 1), () => {});
    expect([...res.answers.keys()].sort()).to.deep.equal(['a', 'b']);
    expect([...(await res.all).keys()].sort()).to.deep.equal(['a', 'b', 'c']);
  });

  it('rejects with NOQUORUM when too few can answer, and reports each failure', async () => {
    const failed: string[] = [];
    const err = await fanout('write', ['a', 'b', 'c'], 2, (id) => (id === 'a' ? later(id, 1) : failLater(1)), (id) => failed.push(id)).catch(
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(QuorumError);
    expect((err as QuorumError).code).to.equal('NOQUORUM');
    expect(failed.sort()).to.deep.equal(['b', 'c']);
  });

  it('asks a stand-in for each replica that fails, and settles `all` with the stand-ins too', async () => {
    const failed: Array<[string, string | null]> = [];
    const spare = ['d', 'e'];
    const res = await fanout('write', ['a', 'b', 'c'], 3, (id) => (id === 'a' || id === 'd' ? failLater(1) : later(id, 1)),
      (id, _err, sub) => failed.push([id, sub]), () => spare.shift() ?? null);
    expect([...res.answers.keys()].sort()).to.deep.equal(['b', 'c', 'e']);
    expect(failed).to.deep.equal([['a', 'd'], ['d', 'e']]);
    expect([...(await res.all).keys()].sort()).to.deep.equal(['b', 'c', 'e']);
  });

  it('rejects with NOQUORUM when a failed replica has no stand-in', async () => {
    const err = await fanout('write', ['a', 'b'], 2, (id) => (id === 'a' ? failLater(1) : later(id, 1)), () => {}, () => null).catch(
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(QuorumError);
  });

  it('rejects rather than hangs when every reachable replica answered but the quorum is larger', async () => {
    const err = await fanout('write', ['a', 'b'], 3, (id) => later(id, 1), () => {}).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(QuorumError);
  });
});
