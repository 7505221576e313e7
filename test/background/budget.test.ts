import { expect } from 'chai';
import { SharedBudget } from '../../lib/background/budget';

describe('background budget', () => {
  it('lets all tasks together do no more than the rate', () => {
    const b = new SharedBudget({ rate: 500 });
    const handoff = b.forTask('handoff');
    const ae = b.forTask('antientropy');
    let done = 0;
    for (let t = 0; t <= 4000; t += 5) {
      done += handoff.take(3, t);
      done += ae.take(3, t);
    }
    expect(done).to.be.within(500 * 4 - 5, 500 * 4 + 50);
    const spent = new Map(b.spentPerTask());
    expect(spent.get('handoff')! + spent.get('antientropy')!).to.equal(done);
    expect(spent.get('handoff')).to.be.greaterThan(0);
    expect(spent.get('antientropy')).to.be.greaterThan(0);
  });

  it('follows a new rate from the moment it is set', () => {
    const b = new SharedBudget({ rate: 1000, burstMs: 100 });
    const t = b.forTask('handoff');
    t.take(1000, 0);
    b.setRate(10, 0);
    expect(t.budget(50)).to.equal(0);
    expect(t.budget(200)).to.equal(1); // burst is at least one record
    b.setRate(1000, 200);
    t.take(1, 200);
    expect(t.budget(300)).to.equal(100);
  });

  it('works as a HandoffPacer: spend may overdraw, and later budget waits it out', () => {
    const b = new SharedBudget({ rate: 100, burstMs: 100 });
    const p = b.forTask('handoff');
    p.spend(30, 0);
    expect(p.budget(0)).to.equal(0);
    expect(p.budget(200)).to.equal(0);
    expect(p.budget(400)).to.be.at.least(1);
  });

  it('reports what was spent since it was last asked', () => {
    const b = new SharedBudget({ rate: 1000 });
    b.forTask('gc').spend(7, 0);
    expect(b.drainSpent()).to.equal(7);
    expect(b.drainSpent()).to.equal(0);
  });
});
