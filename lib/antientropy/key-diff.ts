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

/** keys (ascending) on which `local` and `remote` differ within `span`; both sorted by key */
export function diffKeys(local: readonly KeyHash[], remote: readonly KeyHash[], span: Span): Buffer[] {
  const ours = local.filter((e) => inSpan(e.key, span));
  const out: Buffer[] = [];
  let i = 0;
  let j = 0;
  while (i < ours.length || j < remote.length) {
    const a = ours[i];
    const b = remote[j];
    const c = a === undefined ? 1 : b === undefined ? -1 : Buffer.compare(a.key, b.key);
    if (c < 0) {
      out.push((a as KeyHash).key);
      i++;
    } else if (c > 0) {
      out.push((b as KeyHash).key);
      j++;
    } else {
      if ((a as KeyHash).hash !== (b as KeyHash).hash) out.push((a as KeyHash).key);
      i++;
      j++;
    }
  }
  return out;
}
