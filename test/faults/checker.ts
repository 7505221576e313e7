/**
 * The checker: given a history and what every replica holds after heal and convergence, it finds
 * (a) lost writes — an acknowledged write neither in the final sibling set nor replaced by a
 *     write whose context covered it (and, where dots are known, a dot given to two writes);
 * (b) divergence — the key's home replicas hold different sibling sets, or another node holds a
 *     version the home replicas never got;
 * (c) resurrection — a value that an acknowledged write or delete replaced (its context covered
 *     the value) is live again.
 * Pure: no I/O, no clock. Dots and version vectors are used when the client knows them (the
 * in-process cluster); over RESP a value is matched by what the reads that built contexts showed.
 */
import { coversDot, vvEquals } from '../../lib/versioning';
import type { Dot, VersionVector } from '../../lib/versioning/types';
import type { Op } from './history';

export interface FinalSibling {
  /** the value held, null for a tombstone */
  readonly value: string | null;
  readonly dot: Dot | null;
}

export interface ReplicaState {
  readonly node: string;
  /** one of the key's N home replicas (the others may hold hinted copies) */
  readonly home: boolean;
  /** null: the node is down, nothing known */
  readonly siblings: readonly FinalSibling[] | null;
  readonly vv: VersionVector | null;
}

export interface KeyState {
  readonly key: string;
  readonly replicas: readonly ReplicaState[];
}

export type AnomalyKind = 'lost' | 'dot-reused' | 'duplicated' | 'diverged' | 'stranded' | 'resurrected' | 'phantom';

export interface Anomaly {
  readonly kind: AnomalyKind;
  readonly key: string;
  /** the operations involved (ids into the history) */
  readonly ops: readonly number[];
  readonly detail: string;
}

export interface Verdict {
  readonly ok: boolean;
  readonly anomalies: readonly Anomaly[];
  /**
   * Writes stored as two versions (not failures): a write whose forwarding hop got no answer is
   * coordinated by the key's next node, and when the first one did apply it (its reply was lost),
   * the value exists twice, as Dynamo's retried writes do. Counted, and shown in the report.
   */
  readonly duplicates: readonly Anomaly[];
  readonly acknowledged: number;
  readonly keys: number;
}

const showSibs = (s: readonly FinalSibling[]) => s.map(showSib).sort().join(', ') || '(none)';
const showSib = (s: FinalSibling) => `${s.value ?? '<del>'}${s.dot === null ? '' : `@${s.dot.node}:${s.dot.counter}`}`;
const sameDot = (a: Dot, b: Dot) => a.node === b.node && a.counter === b.counter;

/** x's context certainly covered what w wrote: its dot, or (dots unknown) a read that showed its value */
function surelyCovers(x: Op, w: Op, dotOfW: Dot | null): boolean {
  if (x.id === w.id) return false;
  if (x.ctx !== null && dotOfW !== null) return coversDot(x.ctx, dotOfW);
  return w.value !== null && x.ctxSeen !== null && x.ctxSeen.some((s) => s.value === w.value);
}

/**
 * x was stored twice (the final state holds its value under a dot other than the one its client
 * was told: a forwarding hop applied it and the reply was lost, so the next coordinator applied it
 * again), and the copy the client never heard of was coordinated with a context nobody recorded:
 * a plain SET there replaced whatever that coordinator held, w too if x did not end before w
 * began.
 */
function mayCoverAsCopy(x: Op, w: Op, held: readonly FinalSibling[]): boolean {
  if (x.id === w.id || x.status === 'fail' || x.value === null || x.dot === null) return false;
  const copy = held.some((s) => s.value === x.value && s.dot !== null && !sameDot(s.dot, x.dot!));
  const endedBefore = x.completedAt !== null && x.completedAt < w.invokedAt;
  return copy && !endedBefore;
}

/** x may have replaced w: it surely covers it, or its context is unknown and it may have seen w */
function mayCover(x: Op, w: Op, dotOfW: Dot | null): boolean {
  if (x.id === w.id || x.status === 'fail') return false;
  if (surelyCovers(x, w, dotOfW)) return true;
  const unknownCtx = x.ctx === null && x.ctxSeen === null;
  const endedBefore = x.status === 'ok' && x.completedAt !== null && x.completedAt < w.invokedAt;
  return unknownCtx && !endedBefore;
}

export function checkHistory(ops: readonly Op[], finals: readonly KeyState[]): Verdict {
  const anomalies: Anomaly[] = [];
  const duplicates: Anomaly[] = [];
  const byKey = new Map<string, Op[]>();
  for (const op of ops) byKey.set(op.key, [...(byKey.get(op.key) ?? []), op]);
  const byValue = new Map(ops.filter((o) => o.value !== null).map((o) => [o.value!, o]));
  for (const ks of finals) {
    const keyOps = byKey.get(ks.key) ?? [];
    const home = ks.replicas.filter((r) => r.home && r.siblings !== null);
    const ref = home[0];
    if (ref === undefined || ref.siblings === null) {
      anomalies.push({ kind: 'diverged', key: ks.key, ops: [], detail: 'no home replica is up' });
      continue;
    }
    checkConvergence(ks, ref, anomalies);
    const held = new Map(ref.siblings.filter((s) => s.value !== null).map((s) => [s.value!, s]));
    // (a) every acknowledged write is held or replaced by a write that covered it
    const dots = new Map<string, Op>();
    for (const w of keyOps) {
      if (w.status !== 'ok') continue;
      // the versions the write made: one dot, the dots of its copies when stored twice, or none known
      const made = w.dot !== null ? [w.dot] : w.copies;
      for (const dw of made) {
        const d = `${dw.node}:${dw.counter}`;
        const other = dots.get(d);
        if (other && other !== w) anomalies.push({ kind: 'dot-reused', key: ks.key, ops: [other.id, w.id], detail: `two acknowledged writes got dot ${d}` });
        dots.set(d, w);
      }
      if (w.value === null) continue;
      const sib = held.get(w.value);
      if (sib !== undefined) {
        continue;
      }
      if (ref.vv !== null && made.some((d) => !coversDot(ref.vv!, d))) {
        anomalies.push({ kind: 'lost', key: ks.key, ops: [w.id], detail: `${w.value} missing and its dot is not in the final vv; final: ${showSibs(ref.siblings)}` });
        continue;
      }
      // every version it made was replaced by a write that covered it (dots unknown: the write as a whole)
      const coveredBy = (d: Dot | null) => keyOps.some((x) => mayCover(x, w, d) || mayCoverAsCopy(x, w, ref.siblings ?? []));
      const covered = made.length > 0 ? made.every(coveredBy) : coveredBy(null);
      if (!covered) anomalies.push({ kind: 'lost', key: ks.key, ops: [w.id], detail: `${w.value} missing and no write covered it; final: ${showSibs(ref.siblings)}` });
    }
    checkDuplicates(ks, keyOps, duplicates);
    // (c) nothing replaced comes back; nothing appears that nobody wrote
    for (const sib of held.values()) {
      const w = byValue.get(sib.value!);
      if (w === undefined || w.key !== ks.key) {
        anomalies.push({ kind: 'phantom', key: ks.key, ops: [], detail: `${showSib(sib)} was never written to this key` });
        continue;
      }
      const dotOfW = sib.dot ?? w.dot;
      const killers = keyOps.filter((x) => x.status === 'ok' && surelyCovers(x, w, dotOfW));
      if (killers.length > 0) {
        anomalies.push({ kind: 'resurrected', key: ks.key, ops: [w.id, ...killers.map((k) => k.id)], detail: `${showSib(sib)} is live although #${killers.map((k) => k.id).join(', #')} replaced it` });
      }
    }
  }
  return { ok: anomalies.length === 0, anomalies, duplicates, acknowledged: ops.filter((o) => o.status === 'ok').length, keys: finals.length };
}

/**
 * One write, one version: a value seen (acknowledged, read, or held at the end) under two
 * different dots was stored twice as two versions, so replacing one leaves the other behind
 * unless the replacing write saw both.
 */
function checkDuplicates(ks: KeyState, keyOps: readonly Op[], out: Anomaly[]): void {
  const seen = new Map<string, { dots: Map<string, string>; ops: Set<number> }>();
  const note = (value: string, dot: Dot | null, where: string, op: number | null) => {
    if (dot === null) return;
    const e = seen.get(value) ?? { dots: new Map<string, string>(), ops: new Set<number>() };
    const d = `${dot.node}:${dot.counter}`;
    if (!e.dots.has(d)) e.dots.set(d, where);
    if (op !== null) e.ops.add(op);
    seen.set(value, e);
  };
  for (const op of keyOps) {
    if (op.value !== null && op.status === 'ok') for (const d of op.dot !== null ? [op.dot] : op.copies) note(op.value, d, `ack of #${op.id}`, op.id);
    for (const s of op.ctxSeen ?? []) note(s.value, s.dot, `read before #${op.id}`, op.id);
  }
  for (const r of ks.replicas) for (const s of r.siblings ?? []) if (s.value !== null) note(s.value, s.dot, `final ${r.node}`, null);
  for (const [value, e] of seen) {
    if (e.dots.size < 2) continue;
    const writer = keyOps.find((o) => o.value === value);
    if (writer !== undefined) e.ops.add(writer.id);
    const where = [...e.dots].map(([d, w]) => `${d} (${w})`).join(', ');
    out.push({ kind: 'duplicated', key: ks.key, ops: [...e.ops].sort((a, b) => a - b), detail: `${value} was stored as ${e.dots.size} versions: ${where}` });
  }
}

/** (b) home replicas identical; any other node holds nothing the home replicas lack */
function checkConvergence(ks: KeyState, ref: ReplicaState, out: Anomaly[]): void {
  const refSibs = ref.siblings ?? [];
  const refShown = showSibs(refSibs);
  for (const r of ks.replicas) {
    if (r === ref || r.siblings === null) continue;
    if (r.home) {
      const vvDiffers = r.vv !== null && ref.vv !== null && !vvEquals(r.vv, ref.vv);
      if (showSibs(r.siblings) !== refShown || vvDiffers) {
        out.push({ kind: 'diverged', key: ks.key, ops: [], detail: `${ref.node} holds [${refShown}], ${r.node} holds [${showSibs(r.siblings)}]${vvDiffers ? ' (version vectors differ)' : ''}` });
      }
      continue;
    }
    for (const s of r.siblings) {
      const inRef = refSibs.some((x) => x.value === s.value && (x.dot === null || s.dot === null || sameDot(x.dot, s.dot)));
      const covered = s.dot !== null && ref.vv !== null && coversDot(ref.vv, s.dot);
      if (!inRef && !covered) out.push({ kind: 'stranded', key: ks.key, ops: [], detail: `${showSib(s)} is held by ${r.node} only, not by the home replicas [${refShown}]` });
    }
  }
}
