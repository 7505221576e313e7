// Command-line flags of `npm run bench`. Pure.

import { BenchError } from './errors';

export interface BenchArgs {
  scenario: string;
  quick: boolean;
  portBase: number;
  /** overrides the scenario's round count */
  rounds?: number;
  /** overrides every step's -n */
  requests?: number;
  /** 'redis': replace quorumkv nodes by redis-server, to check the harness alone */
  sut: 'quorumkv' | 'redis';
  save: boolean;
  startTimeoutMs: number;
  benchmarkTimeoutMs: number;
  list: boolean;
  help: boolean;
}

export const USAGE = `usage: npm run bench -- [options]
  --scenario NAME        one scenario (default: the default set; --list shows all and marks it)
  --quick                small N and one round: a smoke check
  --port-base PORT       first port to try for the servers (default 7100)
  --rounds K             rounds per step (each round runs every target once, order alternating)
  --requests N           -n for every step instead of the scenario's
  --sut redis            stand a redis-server in for every quorumkv node (harness check)
  --no-save              print the table only; do not write bench/results/
  --start-timeout SEC    how long a server may take to answer PING (default 10)
  --bench-timeout SEC    limit for one redis-benchmark invocation (default 300)
  --list                 list the scenarios
  --help`;

/** --scenario value meaning "the default set" */
export const DEFAULT_SET = 'default';

export function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = {
    scenario: DEFAULT_SET, quick: false, portBase: 7100, sut: 'quorumkv', save: true,
    startTimeoutMs: 10_000, benchmarkTimeoutMs: 300_000, list: false, help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new BenchError('BENCH_USAGE', `${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--scenario': args.scenario = value(); break;
      case '--quick': args.quick = true; break;
      case '--port-base': args.portBase = integer(flag, value(), 1, 65535); break;
      case '--rounds': args.rounds = integer(flag, value(), 1, 100); break;
      case '--requests': args.requests = integer(flag, value(), 1, 1e9); break;
      case '--sut': {
        const sut = value();
        if (sut !== 'quorumkv' && sut !== 'redis') throw new BenchError('BENCH_USAGE', `--sut must be quorumkv or redis, not ${sut}`);
        args.sut = sut;
        break;
      }
      case '--no-save': args.save = false; break;
      case '--start-timeout': args.startTimeoutMs = integer(flag, value(), 1, 3600) * 1000; break;
      case '--bench-timeout': args.benchmarkTimeoutMs = integer(flag, value(), 1, 86400) * 1000; break;
      case '--list': args.list = true; break;
      case '--help': case '-h': args.help = true; break;
      default: throw new BenchError('BENCH_USAGE', `unknown option ${flag}\n${USAGE}`);
    }
  }
  return args;
}

function integer(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new BenchError('BENCH_USAGE', `${flag} must be an integer from ${min} to ${max}, not ${text}`);
  }
  return n;
}
