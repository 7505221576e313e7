// `npm run bench`: redis-benchmark against redis-server and quorumkv side by side.
// See bench/README.md for the flags, the columns and where results go.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs, USAGE } from './lib/args';
import { Cleanup } from './lib/cleanup';
import { BenchError } from './lib/errors';
import { saveRecord } from './lib/run-record';
import { runScenario, type Output } from './lib/scenario-runner';
import { findScenario, SCENARIOS } from './lib/scenarios';
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
    for (const s of SCENARIOS) out(`${s.name.padEnd(20)} ${s.description}${s.provisional ? ' (provisional)' : ''}`);
    return 0;
  }
  const scenario = findScenario(args.scenario);
  if (scenario === undefined) {
    throw new BenchError('BENCH_USAGE', `unknown scenario ${args.scenario}; one of: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  }
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
    out(`scenario ${scenario.name}: ${scenario.description}${args.quick ? ' [quick]' : ''}${args.sut === 'redis' ? ' [redis stands in for quorumkv]' : ''}`);
    const record = await runScenario(scenario, args, root, cleanup, out);
    out('');
    out(renderText(record.summary, record.summary[0]?.target ?? 'baseline'));
    out('');
    out(`${record.durationSec} s, ${record.rounds} round(s); figures are medians over the rounds, ± is the spread of ops/s`);
    if (args.save) {
      const paths = saveRecord(join(root, 'bench', 'results'), record);
      out(`appended ${paths.jsonl}; wrote ${paths.markdown}`);
    }
    return 0;
  } catch (err) {
    if (interrupted) return 130;
    throw err;
  } finally {
    await cleanup.run();
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
