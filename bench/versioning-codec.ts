/**
 * Micro-benchmark of the versioning hot path: encode/decode of a typical record (one sibling,
 * a 100-byte value, a two-node vv), plus the context codec and a write + merge.
 * Run: npx tsx bench/versioning-codec.ts [iterations]
 */
import {
  applyWrite,
  decodeContext,
  decodeRecord,
  emptyRecord,
  encodeContext,
  encodeRecord,
  mergeRecords,
  type VRecord,
} from '../lib/versioning';

const iterations = Number(process.argv[2] ?? 300_000);

const typical: VRecord = applyWrite(emptyRecord(), new Map([['node-2', 41]]), 'node-1', {
  payload: { kind: 'bytes', data: Buffer.alloc(100, 0x76) },
  ts: 1_700_000_000_000,
  expireAt: null,
});
const encoded = encodeRecord(typical);
const context = encodeContext(typical.vv);
const other = applyWrite(typical, new Map(), 'node-3', typical.siblings[0]!);

let sink = 0;

/** Best of `ROUNDS` timed rounds: the least disturbed by other work on the machine. */
const ROUNDS = 7;

function time(name: string, fn: () => void): void {
  for (let i = 0; i < Math.min(iterations, 100_000); i++) fn(); // warm-up
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / iterations);
  }
  process.stdout.write(`${name.padEnd(34)} ${best.toFixed(0).padStart(6)} ns/op (best of ${ROUNDS})\n`);
}

process.stdout.write(`record: ${encoded.length} bytes; context: "${context}"; ${iterations} iterations\n`);
time('encodeRecord (1 sibling, 100 B)', () => {
  sink += encodeRecord(typical).length;
});
time('decodeRecord (1 sibling, 100 B)', () => {
  sink += decodeRecord(encoded).siblings.length;
});
time('encodeContext (2 nodes)', () => {
  sink += encodeContext(typical.vv).length;
});
time('decodeContext (2 nodes)', () => {
  sink += decodeContext(context).size;
});
time('applyWrite (plain SET)', () => {
  sink += applyWrite(typical, typical.vv, 'node-1', typical.siblings[0]!).siblings.length;
});
time('mergeRecords (2 siblings out)', () => {
  sink += mergeRecords(typical, other).siblings.length;
});
if (sink === -1) process.stdout.write('unreachable\n');
