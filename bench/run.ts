// `npm run bench`: redis-benchmark against redis-server and quorumkv side by side.
// See bench/README.md for the flags, the columns and where results go.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_SET, parseArgs, USAGE, type BenchArgs } from './lib/args';
import { Cleanup } from './lib/cleanup';
import { BenchError } from './lib/errors';
import { writeLatencyChart } from './lib/results-chart';
import { appendRecord, renderLatest, writeLatest, type RunRecord } from './lib/run-record';
import { runCatchup } from './lib/catchup';
import { renderCatchup } from './lib/catchup-report';
import { runFailover } from './lib/failover';
import { renderFailover } from './lib/failover-report';
import { runScale } from './lib/scale';
import { renderScale } from './lib/scale-report';
import { runScenario, type Output } from './lib/scenario-runner';
import { defaultScenarios, findScenario, SCENARIOS, type Scenario } from './lib/scenarios';
import { renderText } from './lib/table';

const out: Output = (line) => {
  process.stdout.write(`${line}\n`);
};

/** The directory holding quorumkv's package.json, from bench/ (tsx) or dist/bench/ (compiled). */
function repositoryRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'quorumkv') return dir;
  }
  throw new BenchError('BENCH_USAGE', `no quorumkv package.json above ${__dirname}`);
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    out(USAGE);
    return 0;
  }
  if (args.list) {
    for (const s of SCENARIOS) {
      out(`${s.name.padEnd(18)} ${s.inDefault === false ? '         ' : '[default]'} ${s.description}${s.provisional ? ' (provisional)' : ''}`);
    }
    return 0;
  }
  const found = args.scenario === DEFAULT_SET ? undefined : findScenario(args.scenario);
  if (args.scenario !== DEFAULT_SET && found === undefined) {
    throw new BenchError('BENCH_USAGE', `unknown scenario ${args.scenario}; one of: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  }
  const scenarios = found === undefined ? defaultScenarios() : [found];
  const root = repositoryRoot();
  const cleanup = new Cleanup();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping servers\n`);
    void cleanup.run(2000).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  process.once('exit', () => cleanup.runSync());

  try {
    const results = join(root, 'bench', 'results');
    if (found?.name === 'scale') {
      await scale(found, args, root, cleanup, results);
      return 0;
    }
    if (found?.phased === true) {
      await phased(found, args, root, cleanup, results);
      return 0;
    }
    const started = Date.now();
    const records: RunRecord[] = [];
    const failed: string[] = [];
    for (const [i, scenario] of scenarios.entries()) {
      out(`\n=== scenario ${i + 1}/${scenarios.length} ${scenario.name}: ${scenario.description}` +
        `${args.quick ? ' [quick]' : ''}${args.sut === 'redis' ? ' [redis stands in for quorumkv]' : ''}`);
      let record: RunRecord;
      try {
        record = await runScenario(scenario, args, root, cleanup, out);
      } catch (err) {
        // one scenario failing (a server error reply, a crash) must not hide the others' figures
        if (interrupted || !(err instanceof BenchError) || scenarios.length === 1) throw err;
        failed.push(`${scenario.name} [${err.code}]: ${err.message.split('\n')[0]}`);
        out(`scenario ${scenario.name} failed [${err.code}]: ${err.message}`);
        continue;
      } finally {
        await cleanup.run();
      }
      records.push(record);
      out('');
      out(renderText(record.summary, record.summary[0]?.target ?? 'baseline'));
      out('');
      out(`${record.durationSec} s, ${record.rounds} round(s), load average ${record.loadAverage.start} → ${record.loadAverage.end}; ` +
        'figures are medians over the rounds, ± is the spread of ops/s');
      if (args.save) out(`appended ${appendRecord(results, record)}`);
      if (args.save && (scenario.markdown === true || found !== undefined)) {
        const markdown = join(results, `${scenario.name}.md`);
        writeFileSync(markdown, renderLatest(record));
        out(`wrote ${markdown}`);
      }
    }
    out(`\n${scenarios.length} scenario(s) in ${Math.round((Date.now() - started) / 1000)} s`);
    if (args.save && found === undefined) {
      // latest.md and the chart show the default set; one scenario alone goes to <name>.md
      out(`wrote ${writeLatest(results, records, failed)}`);
      const chart = writeLatencyChart(results, SCENARIOS);
      if (chart !== undefined) out(`wrote ${chart}`);
    }
    for (const f of failed) out(`FAILED: ${f}`);
    return failed.length === 0 ? 0 : 1;
  } catch (err) {
    if (interrupted) return 130;
    throw err;
  } finally {
    await cleanup.run();
  }
}

async function scale(scenario: Scenario, args: BenchArgs, root: string, cleanup: Cleanup, results: string): Promise<void> {
  out(`=== scenario scale: ${scenario.description}${args.quick ? ' [quick: 100,000 keys]' : ''}`);
  const record = await runScale(scenario, args, root, cleanup, out);
  const report = renderScale(record);
  out('');
  out(report.split('\n## Servers')[0]);
  if (args.save) {
    const markdown = join(results, 'scale.md');
    writeFileSync(markdown, report);
    out(`appended ${appendRecord(results, record)}; wrote ${markdown}`);
  }
}

/** failover and catchup: their own phases, record and report (bench/lib/<name>.ts). */
async function phased(scenario: Scenario, args: BenchArgs, root: string, cleanup: Cleanup, results: string): Promise<void> {
  out(`=== scenario ${scenario.name}: ${scenario.description}${args.quick ? ' [quick: shorter phases]' : ''}`);
  const { record, report } = scenario.name === 'failover'
    ? await runFailover(args, root, cleanup, out).then((r) => ({ record: r, report: renderFailover(r) }))
    : await runCatchup(args, root, cleanup, out).then((r) => ({ record: r, report: renderCatchup(r) }));
  out('');
  out(report.split('\n## Commands')[0]);
  if (args.save) {
    const markdown = join(results, `${scenario.name}.md`);
    writeFileSync(markdown, report);
    out(`appended ${appendRecord(results, record)}; wrote ${markdown}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const code = err instanceof BenchError ? ` [${err.code}]` : '';
    process.stderr.write(`bench failed${code}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
