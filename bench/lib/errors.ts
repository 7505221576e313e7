// Errors of the benchmark harness, each with a stable `code`.

export type BenchErrorCode =
  | 'BENCH_USAGE'
  | 'BENCH_NO_FREE_PORT'
  | 'BENCH_SERVER_MISSING'
  | 'BENCH_SERVER_START_TIMEOUT'
  | 'BENCH_SERVER_EXITED'
  | 'BENCH_BENCHMARK_FAILED'
  | 'BENCH_BENCHMARK_TIMEOUT'
  | 'BENCH_OUTPUT_UNPARSABLE'
  | 'BENCH_INTERRUPTED';

export class BenchError extends Error {
  constructor(readonly code: BenchErrorCode, message: string) {
    super(message);
    this.name = 'BenchError';
  }
}
