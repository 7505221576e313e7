import { expect } from 'chai';
import { PendingRequests } from '../../lib/transport/pending-requests';
import { ManualClock } from '../../lib/util/manual-clock';

describe('PendingRequests', () => {
  it('keeps its timeout heap near the number of waiting requests while thousands settle, and still times out the waiting ones in deadline order', async () => {
    const clock = new ManualClock(1000);
    const pending = new PendingRequests(clock);
    const outcome = new Map<string, string>();
    const track = (name: string, p: Promise<Buffer>) =>
      p.then(() => outcome.set(name, 'resolved'), (err: { code?: string }) => outcome.set(name, String(err.code)));
    const slow = pending.add(500, () => 'slow');
    track('slow', slow.promise);
    let maxHeap = 0;
    for (let i = 0; i < 5000; i++) {
      const r = pending.add(1000, () => `r${i}`);
      track(`r${i}`, r.promise);
      if (i === 2500) {
        const soon = pending.add(300, () => 'soon');
        track('soon', soon.promise);
      }
      pending.resolve(r.id, Buffer.alloc(0));
      maxHeap = Math.max(maxHeap, pending.heapSize);
    }
    expect(pending.size).to.equal(2);
    // without compaction the heap would hold all 5,002 entries until their deadlines
    expect(maxHeap).to.be.at.most(2 * 2 + 64 + 1);
    await clock.advance(300);
    expect(outcome.get('soon')).to.equal('TIMEOUT');
    expect(outcome.has('slow')).to.equal(false);
    await clock.advance(200);
    expect(outcome.get('slow')).to.equal('TIMEOUT');
    expect([...outcome.values()].filter((v) => v === 'resolved').length).to.equal(5000);
    expect(pending.size).to.equal(0);
  });
});
