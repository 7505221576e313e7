/**
 * Key summaries of one slot — (key, entry hash) pairs in key order — and which keys two of them
 * disagree on: a key held by one side only, or held by both with different hashes. A remote
 * summary comes in pages; a page covers the keys after `after` up to its last key (or to the end
 * of the slot when it is the last page), and only the local keys in that span are compared. Pure.
 */

export interface KeyHash {
  readonly key: Buffer;
  readonly hash: bigint;
}

export interface Span {
  /** exclusive lower bound; null = from the slot's first key */
  readonly after: Buffer | null;
  /** inclusive upper bound; null = to the slot's last key */
  readonly upTo: Buffer | null;
}

function inSpan(key: Buffer, span: Span): boolean {
  return (span.after === null || Buffer.compare(key, span.after) > 0) && (span.upTo === null || Buffer.compare(key, span.upTo) <= 0);
}

/** a key the two sides disagree on, and who holds it */
export interface KeyDifference {
  readonly key: Buffer;
  readonly held: 'both' | 'local' | 'remote';
}

/** keys (ascending) on which `local` and `remote` differ within `span`; both sorted by key */
export function diffKeys(local: readonly KeyHash[], remote: readonly KeyHash[], span: Span): Buffer[] {
  return keyDifferences(local, remote, span).map((d) => d.key);
}

/** as diffKeys, saying for each key whether both sides hold it or only one */
export function keyDifferences(local: readonly KeyHash[], remote: readonly KeyHash[], span: Span): KeyDifference[] {
  const ours = local.filter((e) => inSpan(e.key, span));
  const out: KeyDifference[] = [];
  let i = 0;
  let j = 0;
  while (i < ours.length || j < remote.length) {
    const a = ours[i];
    const b = remote[j];
    const c = a === undefined ? 1 : b === undefined ? -1 : Buffer.compare(a.key, b.key);
    if (c < 0) {
      out.push({ key: (a as KeyHash).key, held: 'local' });
      i++;
    } else if (c > 0) {
      out.push({ key: (b as KeyHash).key, held: 'remote' });
      j++;
    } else {
      if ((a as KeyHash).hash !== (b as KeyHash).hash) out.push({ key: (a as KeyHash).key, held: 'both' });
      i++;
      j++;
    }
  }
  return out;
}
