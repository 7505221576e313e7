import { expect } from 'chai';
import { replicaHasValue } from '../lib/catchup';
import { findScenario } from '../lib/scenarios';

describe('bench scenario table: durability and the phased scenarios', () => {
  it('durability runs redis with appendfsync always first, then the three fsync modes; failover and catchup are phased', () => {
    expect(findScenario('durability')?.targets.map((t) => t.name)).to.deep.equal(
      ['redis-aof-always', 'quorumkv-3-everysec', 'quorumkv-3-coordinator', 'quorumkv-3-always']);
    for (const name of ['failover', 'catchup']) {
      const s = findScenario(name);
      expect(s?.phased, name).to.equal(true);
      expect(s?.inDefault, name).to.equal(false);
    }
  });
});

describe('bench catchup: reading DEBUG REPLICA', () => {
  it('a replica holds a key when the reply has a value after the context, not for the bare empty context', () => {
    expect(replicaHasValue('*2\r\n$7\r\nAQJuMQE\r\n$1\r\nv\r\n')).to.equal(true);
    expect(replicaHasValue('*3\r\n$7\r\nAQJuMQE\r\n$1\r\nv\r\n$1\r\nw\r\n')).to.equal(true);
    expect(replicaHasValue('*1\r\n$0\r\n\r\n')).to.equal(false);
    expect(replicaHasValue('-ERR unknown command')).to.equal(false);
  });
});
