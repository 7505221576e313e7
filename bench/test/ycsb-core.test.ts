import { expect } from 'chai';
import { bucketOf, LatencyHistogram, midpointOf } from '../lib/ycsb/histogram';
import { ReplyScanner } from '../lib/ycsb/reply-scanner';
import { encodeSet, valueOf } from '../lib/ycsb/workload';
import { permute, seededRng, ZipfianChooser } from '../lib/ycsb/zipfian';

describe('bench load generator: key choice', () => {
  it('the same seed picks the same keys', () => {
    const a = new ZipfianChooser(1000, seededRng(42));
    const b = new ZipfianChooser(1000, seededRng(42));
    const draws = (z: ZipfianChooser): number[] => Array.from({ length: 200 }, () => z.next());
    expect(draws(a)).to.deep.equal(draws(b));
  });

  it('Zipfian ranks are skewed: rank 0 is drawn far more often than rank 100, all within range', () => {
    const z = new ZipfianChooser(10_000, seededRng(1));
    const counts = new Map<number, number>();
    let lowest = Infinity;
    let highest = -Infinity;
    for (let i = 0; i < 200_000; i++) {
      const r = z.nextRank();
      lowest = Math.min(lowest, r);
      highest = Math.max(highest, r);
      counts.set(r, (counts.get(r) ?? 0) + 1);
    }
    expect(lowest).to.equal(0);
    expect(highest).to.be.within(5_000, 9_999);
    const top = counts.get(0) ?? 0;
    // with theta 0.99, p(rank 0) / p(rank 100) is about 101^0.99 ≈ 96
    expect(top / (counts.get(100) ?? 1)).to.be.within(50, 200);
    expect(top / 200_000).to.be.within(0.08, 0.13);
  });

  it('the permutation is a bijection of the key space', () => {
    for (const n of [10, 1000, 100_000]) {
      const seen = new Set<number>();
      for (let i = 0; i < n; i++) seen.add(permute(i, n));
      expect(seen.size).to.equal(n);
      expect(Math.max(...seen)).to.equal(n - 1);
    }
  });
});

describe('bench load generator: latency histogram', () => {
  it('percentiles are within 1.6% of the exact ones', () => {
    const rng = seededRng(9);
    const h = new LatencyHistogram();
    const values: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      const v = Math.round(Math.exp(rng() * 12));
      values.push(v);
      h.record(v);
    }
    values.sort((a, b) => a - b);
    for (const q of [0.5, 0.99, 0.999]) {
      const exact = values[Math.ceil(q * values.length) - 1];
      expect(Math.abs(h.percentileUs(q) - exact)).to.be.at.most(exact * 0.016 + 1);
    }
    expect(h.maxUs).to.equal(values.at(-1));
  });

  it('a bucket midpoint falls back into its own bucket', () => {
    for (const v of [0, 5, 127, 128, 200, 1000, 65_537, 10_000_000]) expect(bucketOf(Math.floor(midpointOf(bucketOf(v))))).to.equal(bucketOf(v));
  });
});

describe('bench load generator: reply scanner', () => {
  const replies = Buffer.from(`+OK\r\n$-1\r\n$5\r\nab\r\nc\r\n:12\r\n-NOQUORUM 1 of 2\r\n$0\r\n\r\n$100\r\n${valueOf(100)}\r\n`);
  const total = 7;

  it('counts whole replies fed in one chunk, including a bulk string holding CRLF', () => {
    const s = new ReplyScanner();
    expect(s.feed(replies)).to.equal(total);
    expect(s.errors).to.equal(1);
    expect(s.firstError).to.equal('NOQUORUM 1 of 2');
  });

  it('counts the same replies split at every byte boundary and fed byte by byte', () => {
    for (let cut = 1; cut < replies.length; cut++) {
      const s = new ReplyScanner();
      expect(s.feed(replies.subarray(0, cut)) + s.feed(replies.subarray(cut))).to.equal(total);
    }
    const s = new ReplyScanner();
    let n = 0;
    for (let i = 0; i < replies.length; i++) n += s.feed(replies.subarray(i, i + 1));
    expect(n).to.equal(total);
  });

  it('encodes SET as a RESP array with the value length', () => {
    expect(encodeSet('k', 'vv')).to.equal('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nvv\r\n');
  });
});
