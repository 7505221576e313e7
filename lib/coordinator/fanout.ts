/**
 * Ask every target at once and settle as soon as the tally decides: resolve with the answers
 * gathered when `needed` succeeded, reject with NOQUORUM as soon as the rest cannot make it.
 * `all` settles once every target answered or failed (for read repair and hints).
 */
import { QuorumError, QuorumTally } from './quorum-tally';
import type { NodeId } from '../versioning/types';

export interface FanoutResult<T> {
  /** answers by node, as gathered when the quorum was met */
  readonly answers: Map<NodeId, T>;
  /** every answer, once all targets settled */
  readonly all: Promise<Map<NodeId, T>>;
}

export function fanout<T>(
  op: string,
  targets: readonly NodeId[],
  needed: number,
  ask: (id: NodeId) => Promise<T>,
  onFailure: (id: NodeId, err: unknown) => void,
): Promise<FanoutResult<T>> {
  const tally = new QuorumTally(needed, targets.length);
  const answers = new Map<NodeId, T>();
  let settledCount = 0;
  let resolveAll!: (m: Map<NodeId, T>) => void;
  const all = new Promise<Map<NodeId, T>>((r) => (resolveAll = r));
  return new Promise<FanoutResult<T>>((resolve, reject) => {
    let decided = false;
    const settle = () => {
      if (++settledCount === targets.length) resolveAll(answers);
    };
    const decide = (state: ReturnType<QuorumTally['state']>) => {
      if (decided || state === 'pending') return;
      decided = true;
      if (state === 'met') resolve({ answers: new Map(answers), all });
      else reject(new QuorumError(tally.describe(op)));
    };
    decide(tally.state());
    for (const id of targets) {
      ask(id).then(
        (v) => {
          answers.set(id, v);
          decide(tally.success());
          settle();
        },
        (err: unknown) => {
          onFailure(id, err);
          const reason = (err as { code?: string }).code ?? (err as Error).message;
          decide(tally.failure(id, String(reason)));
          settle();
        },
      );
    }
    if (targets.length === 0) resolveAll(answers);
  });
}
