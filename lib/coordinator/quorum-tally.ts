/**
 * The R/W tally (pure): how many replicas answered and whether the quorum is met, failed, or
 * still pending. Decided as early as possible, as etcd-raft's VoteResult: `failed` as soon as the
 * replicas still out cannot make up the quorum.
 */
export type TallyState = 'pending' | 'met' | 'failed';

export class QuorumTally {
  private ok = 0;
  private bad = 0;
  readonly failures: Array<{ node: string; reason: string }> = [];

  constructor(
    /** answers needed (R or W) */
    readonly needed: number,
    /** replicas asked */
    private askedCount: number,
  ) {}

  /** replicas asked, stand-ins included */
  get asked(): number {
    return this.askedCount;
  }

  get acks(): number {
    return this.ok;
  }

  get outstanding(): number {
    return this.asked - this.ok - this.bad;
  }

  success(): TallyState {
    this.ok++;
    return this.state();
  }

  failure(node: string, reason: string): TallyState {
    this.bad++;
    this.failures.push({ node, reason });
    return this.state();
  }

  /** `node` failed and another node is asked in its place: one more replica asked */
  substitute(node: string, reason: string): TallyState {
    this.askedCount++;
    return this.failure(node, reason);
  }

  state(): TallyState {
    if (this.ok >= this.needed) return 'met';
    if (this.ok + this.outstanding < this.needed) return 'failed';
    return 'pending';
  }

  /** what was needed and what answered, for -NOQUORUM */
  describe(op: string): string {
    const why = this.failures.map((f) => `${f.node}: ${f.reason}`).join(', ');
    return `${op} needed ${this.needed} replicas, ${this.ok} of ${this.asked} reachable answered${why ? ` (${why})` : ''}`;
  }
}

export class QuorumError extends Error {
  readonly code = 'NOQUORUM';
  constructor(detail: string) {
    super(`NOQUORUM ${detail}`);
    this.name = 'QuorumError';
  }
}
