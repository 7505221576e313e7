/**
 * Membership's handling of entries that carry this node's own id: its own past runs are outdone
 * silently; another process using the id is reported, with which of the two started first.
 */
import { expect } from 'chai';
import pino from 'pino';
import { Membership } from '../../lib/membership/membership';
import type { MemberInfo } from '../../lib/membership/view';
import { MemoryNetwork } from '../../lib/transport/memory-network';
import { ManualClock } from '../../lib/util/manual-clock';
import { mulberry32 } from '../../lib/util/rng';

const me: MemberInfo = {
  id: 'a', address: 'a:17000', respHost: '127.0.0.1', respPort: 7000, zone: 'z', weight: 1,
  replicas: 3, vnodesPerWeight: 16, started: 1000, status: 'normal', generation: 1000, version: 1,
};

function membership(): { m: Membership; reports: Array<[string, boolean]> } {
  const clock = new ManualClock(1000);
  const network = new MemoryNetwork({ clock, rng: mulberry32(1) });
  const m = new Membership(me, network.transport('a', me.address), clock, mulberry32(2),
    { seeds: [], vnodesPerWeight: 16, gossipIntervalMs: 100, requestTimeoutMs: 100 }, pino({ level: 'silent' }));
  const reports: Array<[string, boolean]> = [];
  m.onIdConflict((other, otherIsOlder) => reports.push([other.address, otherIsOlder]));
  return { m, reports };
}

describe('membership: entries with this node\'s own id', () => {
  it('a past run kept in the store with a later generation (a clock that was ahead) is outdone, not reported', () => {
    const { m, reports } = membership();
    m.restore([{ ...me, generation: 5000, started: 5000, version: 7 }]);
    expect(m.selfInfo().generation).to.be.greaterThan(5000);
    expect(m.selfInfo().started).to.equal(1000);
    expect(m.member('a')).to.deep.equal(m.selfInfo());
    expect(reports).to.deep.equal([]);
  });

  it('a later process under this id elsewhere is outdone and reported as the later one; an earlier one as the earlier', () => {
    const { m, reports } = membership();
    m.absorb([{ ...me, address: 'b:17000', generation: 3000, started: 3000 }]);
    expect(m.selfInfo().generation).to.be.greaterThan(3000);
    expect(m.member('a')!.address).to.equal('a:17000');
    m.absorb([{ ...me, address: 'c:17000', generation: 500, started: 500 }]);
    expect(reports).to.deep.equal([['b:17000', false], ['c:17000', true]]);
  });

  it('its own entry of this run, an older one at its own address, and CLUSTER FORGET of it are not reported', () => {
    const { m, reports } = membership();
    m.absorb([{ ...me, version: 3 }, { ...me, generation: 10, started: 10 }, { ...me, status: 'removed', version: 2 }]);
    expect(reports).to.deep.equal([]);
    expect(m.selfInfo().generation).to.equal(1000);
  });
});
