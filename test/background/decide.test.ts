import { expect } from 'chai';
import { decide, initialState, withDefaults, type ControllerState, type Observation } from '../../lib/background/decide';

const params = withDefaults(20, { minRate: 20, maxRate: 2000, initialRate: 200, increase: 50, decrease: 0.5, cooldownMs: 1000 });
const TICK = 250;

function obs(p999Ms: number, over: Partial<Observation> = {}): Observation {
  return { count: 1000, failures: 0, p99Ms: p999Ms / 2, p999Ms, used: 1, ...over };
}

/** runs the decision over a latency sequence, one tick each, and returns every state */
function run(seq: Array<number | Observation>, from: ControllerState = initialState(params)): ControllerState[] {
  const out: ControllerState[] = [];
  let s = from;
  seq.forEach((x, i) => {
    s = decide(s, typeof x === 'number' ? obs(x) : x, i * TICK, params);
    out.push(s);
  });
  return out;
}

describe('background controller: the decision', () => {
  it('grows the rate additively while p99.9 is under the target', () => {
    const states = run([0, 0, 0, 0]);
    expect(states.map((s) => s.rate)).to.deep.equal([250, 300, 350, 400]);
    expect(states[3]).to.include({ ups: 4, downs: 0, lastDecision: 'up', lastP999Ms: 0 });
  });

  it('grows more slowly the nearer p99.9 is to the target', () => {
    // the band is 0.9 × 20 = 18 ms: at 9 ms half the headroom is left, at 17.9 ms the floor of a tenth
    expect(run([9])[0]!.rate).to.equal(225);
    expect(run([17.9])[0]!.rate).to.equal(205);
  });

  it('halves the rate when p99.9 goes above the target', () => {
    const states = run([0, 0, 30]);
    expect(states[2]).to.include({ rate: 150, lastDecision: 'down', downs: 1, lastCutAt: 500 });
  });

  it('cuts at most once per cooldown while latency stays high, holding in between', () => {
    const states = run([30, 30, 30, 30, 30, 30, 30, 30, 30]);
    expect(states.map((s) => s.lastDecision)).to.deep.equal(['down', 'hold', 'hold', 'hold', 'down', 'hold', 'hold', 'hold', 'down']);
    expect(states[8]!.rate).to.equal(25);
  });

  it('never goes below the minimum or above the maximum', () => {
    const low = run(Array<number>(60).fill(100));
    expect(Math.min(...low.map((s) => s.rate))).to.equal(params.minRate);
    const high = run(Array<number>(200).fill(1));
    expect(Math.max(...high.map((s) => s.rate))).to.equal(params.maxRate);
    expect(high[199]!.lastDecision).to.equal('hold');
  });

  it('backs off under a latency spike and recovers after it', () => {
    const seq = [...Array<number>(20).fill(0), ...Array<number>(20).fill(60), ...Array<number>(40).fill(5)];
    const states = run(seq);
    const beforeSpike = states[19]!.rate;
    const bottom = states[39]!.rate;
    expect(beforeSpike).to.equal(200 + 20 * 50);
    expect(bottom).to.be.at.most(beforeSpike / 8);
    expect(states[79]!.rate).to.be.greaterThan(bottom + 1000);
  });

  it('holds in the band just under the target instead of growing into it', () => {
    const states = run([19, 19, 19]);
    expect(states.map((s) => s.rate)).to.deep.equal([200, 200, 200]);
    expect(states[2]!.holds).to.equal(3);
  });

  it('treats failures under load (NOQUORUM) as over target even when latency looks fine', () => {
    const states = run([obs(2, { failures: 3 })]);
    expect(states[0]).to.include({ lastDecision: 'down', rate: 100, lastFailures: 3 });
  });

  it('does not grow a budget background work leaves unused', () => {
    const states = run([obs(1, { used: 0.1 }), obs(1, { used: 0 })]);
    expect(states.map((s) => s.rate)).to.deep.equal([200, 200]);
  });

  it('grows when there is no foreground load at all (nothing to protect)', () => {
    const states = run([obs(0, { count: 0 })]);
    expect(states[0]!.rate).to.equal(250);
  });

  it('rejects nonsense parameters', () => {
    expect(() => withDefaults(0)).to.throw(RangeError);
    expect(() => withDefaults(10, { decrease: 1 })).to.throw(RangeError);
    expect(() => withDefaults(10, { minRate: 100, maxRate: 10 })).to.throw(RangeError);
  });
});
