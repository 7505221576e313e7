/**
 * `Promise.all(items.map(fn))` with at most `limit` calls running at once, results in order. A
 * multi-key command (MSET, MGET, DEL, ...) over tens of thousands of keys started every key's
 * quorum round at once: the replica batches grew so large that healthy peers timed out, were
 * suspected, and the command answered NOQUORUM for writes that had succeeded. Rejects with the
 * first error, after the calls already started have settled.
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  if (items.length <= limit) return Promise.all(items.map(fn));
  const out = new Array<R>(items.length);
  let next = 0;
  let failed: { err: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (failed === null && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i] as T, i);
      } catch (err) {
        failed ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  if (failed !== null) throw (failed as { err: unknown }).err;
  return out;
}

/** how many keys of one multi-key command run their quorum rounds at once */
export const MULTI_KEY_CONCURRENCY = 1024;
