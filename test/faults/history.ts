/**
 * A Jepsen-style history of client operations: each operation is invoked, then completed as
 * ok, fail or unknown. Writes carry unique values, so a value names the one operation that wrote
 * it. An error that may hide an applied write (a timeout, NOQUORUM, a dropped connection) is
 * "unknown", never "fail": a NOQUORUM write may still have been stored by the replicas that
 * answered. "fail" is kept for errors that prove nothing was applied. Pure data and recording.
 */
import type { Dot, VersionVector } from '../../lib/versioning/types';

/**
 * vset: a value written with the context of an earlier read of the key (VSET);
 * set: plain SET (context: what the coordinator's replica held); del: plain DEL (a tombstone);
 * vdel: a tombstone with the context of an earlier read (VDEL).
 */
export type OpKind = 'vset' | 'set' | 'del' | 'vdel';

/** a value a read showed, with its dot when the client can see dots */
export interface SeenValue {
  readonly value: string;
  readonly dot: Dot | null;
}

export type OpStatus = 'pending' | 'ok' | 'fail' | 'unknown';

export interface Op {
  readonly id: number;
  readonly client: number;
  /** the node the client talked to */
  readonly node: number;
  readonly key: string;
  readonly kind: OpKind;
  /** the unique value written (null for deletes) */
  readonly value: string | null;
  /** the history event number of the invocation / completion (completion: null while pending) */
  readonly invokedAt: number;
  completedAt: number | null;
  status: OpStatus;
  /**
   * The causal context the write replaced, when known: the vv of the read (vset/vdel), or for a
   * plain write acknowledged with its record, that record's vv minus the write's own dot.
   * null: unknown (a plain write whose outcome is unknown, or a client that cannot see it).
   */
  ctx: VersionVector | null;
  /** the live siblings the read that gave `ctx` returned (all of them covered by it) */
  readonly ctxSeen: readonly SeenValue[] | null;
  /** the dot the write got, when the client learnt it (in-process only) */
  dot: Dot | null;
  /**
   * A write whose acknowledging record held its value under several dots (stored twice: a
   * forwarding hop applied it and its reply was lost, so the next coordinator applied it again):
   * those dots, and `dot` is null. Empty otherwise.
   */
  copies: readonly Dot[];
  error: string | null;
}

export interface InvokeArgs {
  readonly client: number;
  readonly node: number;
  readonly key: string;
  readonly kind: OpKind;
  readonly value: string | null;
  readonly ctx?: VersionVector | null;
  readonly ctxSeen?: readonly SeenValue[] | null;
}

export interface Completion {
  readonly status: Exclude<OpStatus, 'pending'>;
  readonly ctx?: VersionVector | null;
  readonly dot?: Dot | null;
  readonly copies?: readonly Dot[];
  readonly error?: string | null;
}

export class History {
  readonly ops: Op[] = [];
  private events = 0;

  invoke(a: InvokeArgs): Op {
    const op: Op = {
      id: this.ops.length,
      client: a.client,
      node: a.node,
      key: a.key,
      kind: a.kind,
      value: a.value,
      invokedAt: this.events++,
      completedAt: null,
      status: 'pending',
      ctx: a.ctx ?? null,
      ctxSeen: a.ctxSeen ?? null,
      dot: null,
      copies: [],
      error: null,
    };
    this.ops.push(op);
    return op;
  }

  complete(op: Op, c: Completion): void {
    if (op.status !== 'pending') throw new Error(`op ${op.id} completed twice`);
    op.status = c.status;
    op.completedAt = this.events++;
    if (c.ctx !== undefined && c.ctx !== null) op.ctx = c.ctx;
    if (c.dot !== undefined) op.dot = c.dot;
    if (c.copies !== undefined) op.copies = c.copies;
    op.error = c.error ?? null;
  }

  /** operations still pending become unknown: the client gave up waiting */
  closeOut(): void {
    for (const op of this.ops) if (op.status === 'pending') this.complete(op, { status: 'unknown', error: 'client gave up' });
  }

  counts(): Record<OpStatus, number> {
    const out: Record<OpStatus, number> = { pending: 0, ok: 0, fail: 0, unknown: 0 };
    for (const op of this.ops) out[op.status]++;
    return out;
  }
}

/** one line per operation, in invocation order, for failure reports */
export function formatOp(op: Op): string {
  const what = op.value === null ? op.kind : `${op.kind} ${op.value}`;
  const dot =
    op.dot !== null ? ` dot=${op.dot.node}:${op.dot.counter}`
    : op.copies.length > 0 ? ` dots=${op.copies.map((d) => `${d.node}:${d.counter}`).join('+')}`
    : '';
  const ctx = op.ctx === null ? '' : ` ctx={${[...op.ctx].map(([n, c]) => `${n}:${c}`).join(',')}}`;
  const err = op.error === null ? '' : ` (${op.error})`;
  const done = op.completedAt === null ? '…' : String(op.completedAt);
  return `#${op.id} [${op.invokedAt}-${done}] c${op.client}@n${op.node} ${op.key} ${what} → ${op.status}${dot}${ctx}${err}`;
}

export function formatHistory(ops: readonly Op[]): string {
  return ops.map(formatOp).join('\n');
}
