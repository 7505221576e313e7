import { expect } from 'chai';
import { benchmarkArgs } from '../lib/redis-benchmark';
import type { StepSpec } from '../lib/scenarios';

const step: StepSpec = { label: 'P1', tests: ['set', 'get'], clients: 50, pipeline: 1, requests: 100_000, quickRequests: 10_000, dataSize: 100, keyspace: 100_000 };
const flag = (argv: readonly string[], name: string): string | undefined => argv[argv.indexOf(name) + 1];

describe('bench redis-benchmark arguments', () => {
  it('sends the step as it is through one node, without --cluster', () => {
    const argv = benchmarkArgs(step, 7001, 5000, null);
    expect(flag(argv, '-p')).to.equal('7001');
    expect(flag(argv, '-n')).to.equal('5000');
    expect(flag(argv, '-r')).to.equal('100000');
    expect(flag(argv, '-t')).to.equal('set,get');
    expect(argv).to.not.include('--cluster');
  });

  it('gives a routed run the keyspace per node, so it touches as many distinct keys as the one-node run', () => {
    const three = benchmarkArgs(step, 7001, 5000, 3);
    expect(three).to.include('--cluster');
    expect(flag(three, '-r')).to.equal('33333');
    expect(flag(benchmarkArgs(step, 7001, 5000, 5), '-r')).to.equal('20000');
    expect(flag(benchmarkArgs({ ...step, keyspace: 2 }, 7001, 10, 5), '-r')).to.equal('1');
  });
});
