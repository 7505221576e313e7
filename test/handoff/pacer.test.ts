import { expect } from 'chai';
import { FixedRatePacer } from '../../lib/handoff/pacer';
import { coordinatorHints } from '../../lib/handoff/coordinator-hints';
import { handoffInfoFields } from '../../lib/handoff/info';

describe('handoff: fixed-rate pacer', () => {
  it('allows a burst, then the rate', () => {
    const p = new FixedRatePacer(100, 5);
    expect(p.budget(0)).to.equal(5);
    p.spend(5, 0);
    expect(p.budget(0)).to.equal(0);
    expect(p.budget(10)).to.equal(1); // 100/s → one per 10 ms
    expect(p.budget(1000)).to.equal(5); // never more than the burst
  });

  it('sends no more than rate × time + burst over a long run', () => {
    const p = new FixedRatePacer(200, 10);
    let sent = 0;
    for (let t = 0; t <= 5000; t += 7) {
      const b = p.budget(t);
      p.spend(b, t);
      sent += b;
    }
    expect(sent).to.be.at.most(200 * 5 + 10);
    expect(sent).to.be.at.least(200 * 5 - 10);
  });
});

describe('handoff: hints a coordinator keeps itself', () => {
  it('names the primary the coordinator stands in for, and primaries nobody stands in for', () => {
    const targets = [{ id: 'a' }, { id: 'me', fallbackFor: 'b' }];
    expect(coordinatorHints(targets, ['a', 'b', 'c'], 'me')).to.deep.equal(['b', 'c']);
  });

  it('is empty when every primary is a target or has a remote stand-in', () => {
    expect(coordinatorHints([{ id: 'me' }, { id: 'a' }, { id: 'd', fallbackFor: 'b' }], ['me', 'a', 'b'], 'me')).to.deep.equal([]);
  });
});

describe('handoff: INFO section', () => {
  it('lists pending hints per target in id order', () => {
    const fields = handoffInfoFields({ pending: 5, perTarget: new Map([['n4', 2], ['n1', 3]]), delivered: 7, dropped: 1 }, 4);
    expect(fields).to.deep.equal([
      ['hints_pending', 5],
      ['hints_per_target', 'n1=3,n4=2'],
      ['hints_delivered', 7],
      ['hints_dropped', 1],
      ['hints_released', 4],
    ]);
    expect(handoffInfoFields(null).map(([, v]) => v)).to.deep.equal([0, '', 0, 0, 0]);
  });
});
