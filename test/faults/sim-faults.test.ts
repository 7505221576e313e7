/**
 * The in-process fault suite: concurrent clients (several per node) write unique values to a
 * few keys while a seeded nemesis kills, restarts, partitions and isolates nodes and drops and
 * delays messages; then everything heals, converges, and the history is checked: no
 * acknowledged write lost, replicas identical, nothing deleted back. FAULT_SEEDS seeds per
 * cluster shape (default 5; `npm run test:faults` runs 20). A failure prints the seed and the
 * smallest failing prefix of the workload.
 */
import { expect } from 'chai';
import { FIVE_NODES, THREE_NODES, runSimSchedule, type SimOutcome, type SimShape } from './sim-run';
import { failureReport, print, shrinkLimit, summaryLine, type RunSummary } from './report';

const SEED_COUNT = Math.max(1, Number(process.env['FAULT_SEEDS'] ?? 5) || 5);
const FIRST_SEED = Number(process.env['FAULT_FIRST_SEED'] ?? 1000) || 1000;
const SEEDS = Array.from({ length: SEED_COUNT }, (_, i) => FIRST_SEED + i);

/**
 * up to 3 crashes of each run are operating-system crashes, more than a second apart: the node
 * loses what it had not synced (FAULT_OS_CRASHES=k for another bound)
 */
const OS_CRASHES = Math.max(1, Number(process.env['FAULT_OS_CRASHES'] ?? 3) || 3);
const FIVE_OS: SimShape = { ...FIVE_NODES, osCrashes: OS_CRASHES };

function summary(name: string, o: SimOutcome): RunSummary {
  const note = o.rounds < 0 ? 'did not converge' : `converged in ${o.rounds} round(s), ${o.reaped} record(s) reaped by tombstone GC after`;
  return { name, ops: o.history.ops, faults: o.nemesis.summary(), faultCount: o.nemesis.total(), verdict: o.verdict, note };
}

/** a failing seed: its anomalies and faults, and (for the first one) its smallest failing prefix */
async function report(name: string, o: SimOutcome, shape: SimShape, shrink: boolean): Promise<string> {
  const shrunk = shrink ? await shrinkLimit(o.history.ops.length, (limit) => runSimSchedule(o.seed, shape, limit), (r) => !r.verdict.ok) : null;
  return failureReport(summary(`${name} seed ${o.seed}`, o), o.nemesis.log, shrunk && { limit: shrunk.limit, ops: shrunk.result.history.ops, anomalies: shrunk.result.verdict.anomalies }, !shrink);
}

for (const [name, shape] of [['5 nodes N=3 R=2 W=2', FIVE_NODES], ['3 nodes N=3 R=2 W=2', THREE_NODES], [OS_CRASHES === 1 ? '5 nodes N=3 R=2 W=2, an OS crash' : `5 nodes N=3 R=2 W=2, up to ${OS_CRASHES} OS crashes`, FIVE_OS]] as const) {
  describe(`faults in-process: ${name}, ${SEEDS.length} seeds`, function () {
    this.timeout(20_000 + SEEDS.length * 4_000);

    it('loses no acknowledged write, converges and resurrects nothing under crashes, partitions, drops and delays', async () => {
      const totals = { ops: 0, ok: 0, unknown: 0, faults: 0 };
      const failed: SimOutcome[] = [];
      for (const seed of SEEDS) {
        const o = await runSimSchedule(seed, shape);
        totals.ops += o.history.ops.length;
        totals.ok += o.verdict.acknowledged;
        totals.unknown += o.history.counts().unknown;
        totals.faults += o.nemesis.total();
        if (process.env['FAULT_VERBOSE']) print(summaryLine(summary(`seed ${seed}`, o)));
        if (!o.verdict.ok || o.rounds < 0) failed.push(o);
        expect(o.verdict.acknowledged, `seed ${seed}: the workload got writes acknowledged`).to.be.greaterThan(20);
        expect(o.nemesis.total(), `seed ${seed}: faults were injected`).to.be.greaterThan(5);
      }
      const verdict = failed.length === 0 ? 'OK' : `FAIL on seeds ${failed.map((o) => o.seed).join(', ')}`;
      print(`${name}: ${SEEDS.length} seeds, ${totals.ops} ops (${totals.ok} acknowledged, ${totals.unknown} unknown), ${totals.faults} faults → ${verdict}`);
      if (failed.length > 0) {
        const reports: string[] = [];
        for (const [i, o] of failed.entries()) reports.push(await report(name, o, shape, i === 0));
        print(reports.join('\n'));
        expect.fail(`${verdict}; first: seed ${failed[0]!.seed}: ${failed[0]!.verdict.anomalies.slice(0, 3).map((a) => `${a.kind} ${a.key}: ${a.detail}`).join('; ')}`);
      }
    });
  });
}
