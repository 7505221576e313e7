import { expect } from 'chai';
import { configGet, directiveNames, parseConfig } from '../../lib/config';

const get = (argv: string[], pattern: string) => configGet(parseConfig({ argv }), pattern);

describe('config/configGet (CONFIG GET)', () => {
  it('returns every directive for *, each once, in Redis form', () => {
    const names = get([], '*').map(([name]) => name);
    expect(names).to.deep.equal(directiveNames());
    expect(new Set(names).size).to.equal(names.length);
    expect(names).to.include.members(['port', 'cluster-port', 'read-quorum', 'proto-max-bulk-len']);
  });

  it('matches an exact name case-insensitively', () => {
    expect(get(['--port', '7001'], 'PORT')).to.deep.equal([['port', '7001']]);
  });

  it('answers the Redis parameters tools read (save, appendonly, ...) by exact name only, outside *', () => {
    expect(get([], 'save')).to.deep.equal([['save', '']]);
    expect(get([], 'APPENDONLY')).to.deep.equal([['appendonly', 'no']]);
    expect(get(['--fsync', 'always'], 'appendfsync')).to.deep.equal([['appendfsync', 'always']]);
    expect(get(['--fsync', 'coordinator'], 'appendfsync')).to.deep.equal([['appendfsync', 'everysec']]);
    expect(get([], 'databases')).to.deep.equal([['databases', '1']]);
    expect(get([], 'maxmemory-policy')).to.deep.equal([['maxmemory-policy', 'noeviction']]);
    expect(get([], 'sav*')).to.deep.equal([]);
    expect(get([], '*').map(([n]) => n)).to.not.include('save');
  });

  it('returns nothing for an unknown name', () => {
    expect(get([], 'no-such-directive')).to.deep.equal([]);
  });

  it('globs with *, ?, classes and negated classes', () => {
    expect(get([], '*-quorum').map(([n]) => n)).to.deep.equal(['read-quorum', 'write-quorum']);
    expect(get([], '[^r]*-quorum').map(([n]) => n)).to.deep.equal(['write-quorum']);
    expect(get([], 'max-hints*').map(([n]) => n)).to.deep.equal(['max-hints-per-target', 'max-hints']);
    expect(get([], 'p?rt').map(([n]) => n)).to.deep.equal(['port']);
    expect(get([], 'proto-*').map(([n]) => n))
      .to.deep.equal(['proto-max-bulk-len', 'proto-max-multibulk-len', 'proto-inline-max-size']);
  });

  it('prints values as Redis does: yes/no, integers, bytes, space-separated lists', () => {
    const c = parseConfig({
      text: 'hinted-handoff no\nproto-max-bulk-len 2mb\nproto-inline-max-size 2k\nbind 127.0.0.1 ::1\n' +
        'seeds 10.0.0.1:17001 [::1]:17002\nweight 1.5\nfsync ALWAYS',
      argv: [],
    });
    const values = new Map(configGet(c, '*'));
    expect(values.get('hinted-handoff')).to.equal('no');
    expect(values.get('proto-max-bulk-len')).to.equal('2097152');
    expect(values.get('proto-inline-max-size')).to.equal('2000');
    expect(values.get('client-query-buffer-limit')).to.equal('1073741824');
    expect(values.get('bind')).to.equal('127.0.0.1 ::1');
    expect(values.get('seeds')).to.equal('10.0.0.1:17001 [::1]:17002');
    expect(values.get('weight')).to.equal('1.5');
    expect(values.get('fsync')).to.equal('always');
    expect(values.get('cluster-port')).to.equal('16380');
  });

  it('prints unset optional values as empty strings', () => {
    const values = new Map(get([], '*'));
    for (const name of ['node-id', 'dir', 'requirepass', 'cluster-secret', 'logfile', 'seeds']) {
      expect(values.get(name), name).to.equal('');
    }
  });

  it('shows requirepass, as Redis does, but never cluster-secret', () => {
    const c = parseConfig({ argv: ['--requirepass', 'pw', '--cluster-secret', 'topsecret'] });
    expect(c.clusterSecret).to.equal('topsecret');
    expect(configGet(c, 'requirepass')).to.deep.equal([['requirepass', 'pw']]);
    expect(configGet(c, 'cluster-secret')).to.deep.equal([['cluster-secret', '']]);
    expect(JSON.stringify(configGet(c, '*'))).not.to.contain('topsecret');
  });

  it('prints values that parse back to the same config', () => {
    const c = parseConfig({
      text: 'port 7002\nseeds a:1 [::1]:2\nbind ::1\nweight 0.25\nloglevel warn\nmax-hints 5\nrequirepass "a b"',
      argv: [],
    });
    const argv = configGet(c, '*')
      .filter(([name]) => name !== 'cluster-secret')
      .flatMap(([name, value]) =>
        ['bind', 'seeds'].includes(name) && value !== '' ? [`--${name}`, ...value.split(' ')] : [`--${name}`, value]);
    expect(parseConfig({ argv })).to.deep.equal(c);
  });
});
