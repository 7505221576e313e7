/**
 * A fixed number of workers taking items off one list in order: each takes its item before it
 * waits for leave to go (a pacer), so two workers never take the same item and none runs past the
 * end. `work` returning false stops every worker after the items already taken.
 */
export async function runWorkers<T>(
  items: readonly T[],
  workers: number,
  leave: () => Promise<boolean>,
  work: (item: T) => Promise<boolean>,
): Promise<{ done: number; stopped: boolean }> {
  let next = 0;
  let done = 0;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (!stopped && next < items.length) {
      const item = items[next++] as T;
      if (!(await leave()) || stopped) {
        stopped = true;
        return;
      }
      done++;
      if (!(await work(item))) stopped = true;
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, items.length) }, worker));
  return { done, stopped };
}
