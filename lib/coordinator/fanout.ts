/**
 * Ask every target at once and settle as soon as the tally decides: resolve with the answers
 * gathered when `needed` succeeded, reject with NOQUORUM as soon as the rest cannot make it.
 * `all` settles once every target answered or failed (for read repair and hints).
 *
 * `substitute`, when given, is asked for a stand-in each time a target fails (a sloppy quorum
 * found out during the request: Dynamo's "the next node in the walk"); a stand-in is asked as one
 * more target, and the failure is then not held against the quorum.
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
  onFailure: (id: NodeId, err: unknown, substitute: NodeId | null) => void,
  substitute?: (failed: NodeId) => NodeId | null,
): Promise<FanoutResult<T>> {
  const tally = new QuorumTally(needed, targets.length);
  const answers = new Map<NodeId, T>();
  let asked = targets.length;
  let settledCount = 0;
  let resolveAll!: (m: Map<NodeId, T>) => void;
  const all = new Promise<Map<NodeId, T>>((r) => (resolveAll = r));
  return new Promise<FanoutResult<T>>((resolve, reject) => {
    let decided = false;
    const settle = () => {
      if (++settledCount === asked) resolveAll(answers);
    };
    const decide = (state: ReturnType<QuorumTally['state']>) => {
      if (decided || state === 'pending') return;
      decided = true;
      if (state === 'met') resolve({ answers: new Map(answers), all });
      else reject(new QuorumError(tally.describe(op)));
    };
    decide(tally.state());
    const askOne = (id: NodeId): void => {
      ask(id).then(
        (v) => {
          answers.set(id, v);
          decide(tally.success());
          settle();
        },
        (err: unknown) => {
          const reason = String((err as { code?: string }).code ?? (err as Error).message);
          const sub = decided ? null : (substitute?.(id) ?? null);
          onFailure(id, err, sub);
          if (sub !== null) {
            asked++;
            tally.substitute(id, `${reason}, ${sub} stands in`);
            askOne(sub);
          } else {
            decide(tally.failure(id, reason));
          }
          settle();
        },
      );
    };
    for (const id of targets) askOne(id);
    if (targets.length === 0) resolveAll(answers);
  });
}
