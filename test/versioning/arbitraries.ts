/**
 * fast-check generators for the versioning tests. Records come in two flavours:
 * - `arbRecord`: any record that keeps the invariants (every sibling's dot covered by the vv,
 *   unique dots), with a small node and content domain so that equal dots — even with different
 *   content — and equal timestamps are common;
 * - histories of writes and merges on replicas (see history.ts), for causally consistent states.
 */
import fc from 'fast-check';
import type { Dot, NodeId, Payload, Sibling, VersionVector, VRecord } from '../../lib/versioning';
import { canonicalSiblings } from '../../lib/versioning';

export const NODES: readonly NodeId[] = ['a', 'b', 'c', 'd'];

export const arbNode = (wide: boolean): fc.Arbitrary<NodeId> =>
  wide
    ? fc.oneof(
        fc.constantFrom(...NODES),
        fc
          .string({ unit: 'binary', minLength: 1, maxLength: 12 })
          .filter((s) => Buffer.byteLength(s) <= 255 && Buffer.from(s).toString() === s),
      )
    : fc.constantFrom(...NODES);

const arbBigMap = (wide: boolean): fc.Arbitrary<ReadonlyMap<NodeId, bigint>> =>
  fc
    .array(fc.tuple(arbNode(wide), fc.bigInt({ min: 1n, max: (1n << 100n) - 1n })), { maxLength: 3 })
    .map((entries) => new Map(entries));

export const arbPayload = (wide: boolean): fc.Arbitrary<Payload> =>
  fc.oneof(
    fc.constant<Payload>({ kind: 'tombstone' }),
    (wide ? fc.uint8Array({ maxLength: 300 }) : fc.constantFrom(new Uint8Array([1]), new Uint8Array([2])))
      .map((u): Payload => ({ kind: 'bytes', data: Buffer.from(u) })),
    fc.record({ inc: arbBigMap(wide), dec: arbBigMap(wide) }).map((m): Payload => ({ kind: 'counter', ...m })),
  );

const arbTime = (wide: boolean): fc.Arbitrary<number> =>
  wide
    ? fc.oneof(fc.integer({ min: 0, max: 3 }), fc.maxSafeInteger(), fc.constant(1_700_000_000_000))
    : fc.integer({ min: 0, max: 3 });

export const arbContent = (wide: boolean): fc.Arbitrary<Omit<Sibling, 'dot'>> =>
  fc.record({
    payload: arbPayload(wide),
    ts: arbTime(wide),
    expireAt: fc.option(arbTime(wide), { nil: null }),
  });

/** A record that keeps the invariants; `wide` draws node names, values and times from big domains. */
export const arbRecord = (wide = false): fc.Arbitrary<VRecord> =>
  fc
    .array(fc.tuple(arbNode(wide), fc.integer({ min: 1, max: wide ? Number.MAX_SAFE_INTEGER : 4 })), {
      maxLength: 4,
    })
    .chain((entries) => {
      const vv: VersionVector = new Map(entries);
      const dots: Dot[] = [];
      for (const [node, top] of vv) {
        for (let c = Math.max(1, top - 3); c <= top; c++) dots.push({ node, counter: c });
      }
      return fc
        .subarray(dots, { maxLength: Math.min(4, dots.length) })
        .chain((chosen) => fc.tuple(...chosen.map(() => arbContent(wide))).map((cs) => ({ chosen, cs })))
        .map(({ chosen, cs }): VRecord => ({
          vv,
          siblings: canonicalSiblings(chosen.map((dot, i) => ({ dot, ...cs[i]! }))),
        }));
    });

export function bytes(s: string): Payload {
  return { kind: 'bytes', data: Buffer.from(s) };
}

export function valueOf(s: Sibling): string {
  return s.payload.kind === 'bytes' ? s.payload.data.toString() : s.payload.kind;
}
