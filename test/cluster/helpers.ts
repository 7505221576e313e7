/** Small helpers for the cluster tests: versions to write, sibling values, checks on records. */
import type { NewVersion, Sibling, VRecord } from '../../lib/versioning/types';
import { coversDot } from '../../lib/versioning';
import type { SimCluster } from './sim-cluster';

export function bytes(c: SimCluster, value: string): NewVersion {
  return { payload: { kind: 'bytes', data: Buffer.from(value) }, ts: c.clock.now(), expireAt: null };
}

export function tombstone(c: SimCluster): NewVersion {
  return { payload: { kind: 'tombstone' }, ts: c.clock.now(), expireAt: null };
}

/** the values of a record's siblings (tombstones as '<del>'), sorted */
export function values(rec: VRecord | null): string[] {
  if (rec === null) return ['<down>'];
  return rec.siblings.map(show).sort();
}

function show(s: Sibling): string {
  return s.payload.kind === 'bytes' ? s.payload.data.toString() : s.payload.kind === 'tombstone' ? '<del>' : '<counter>';
}

/** the sibling a write made: the one holding `value` */
export function siblingOf(rec: VRecord, value: string): Sibling {
  const s = rec.siblings.find((x) => x.payload.kind === 'bytes' && x.payload.data.toString() === value);
  if (!s) throw new Error(`no sibling holds ${value} (siblings: ${values(rec).join(', ')})`);
  return s;
}

/** the write that made `sib` is in `rec`: still a sibling, or replaced by a write that saw it */
export function holdsOrSupersedes(rec: VRecord, sib: Sibling): boolean {
  return coversDot(rec.vv, sib.dot) && rec.siblings.length > 0;
}

export function key(name: string): Buffer {
  return Buffer.from(name);
}

/**
 * A client's write, retried on NOQUORUM up to three tries, as a client would: in scenarios where
 * the quorum itself may be out of reach for a moment (a minority side of a partition before its
 * fallbacks are known healthy, a lossy network), not to hide a write the cluster should take.
 */
export async function writeWithRetry(c: SimCluster, run: () => Promise<VRecord>): Promise<VRecord> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await c.run(run());
    } catch (err) {
      if (attempt >= 3 || (err as { code?: string }).code !== 'NOQUORUM') throw err;
    }
  }
}
