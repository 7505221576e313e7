import { expect } from 'chai';
import { DIRECTIVES } from '../../lib/config/directives';
import { ConfigError, parseConfig, type Config } from '../../lib/config';

/** the ConfigError thrown by parsing `text` (as a.conf) and argv */
function errorOf(text: string | undefined, argv: string[] = []): ConfigError {
  try {
    parseConfig({ fileName: 'a.conf', text, argv });
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    expect((err as ConfigError).code).to.equal('CONFIG_INVALID');
    return err as ConfigError;
  }
  return expect.fail(`parsing ${JSON.stringify(text)} ${argv.join(' ')} should have thrown`);
}

describe('config/parseConfig', () => {
  describe('defaults', () => {
    it('gives the documented defaults with no file and no arguments', () => {
      const c = parseConfig({ argv: [] });
      expect(c).to.deep.include({
        port: 6380, clusterPort: 16380, nodeId: null, dir: null, zone: 'default', weight: 1,
        replicas: 3, readQuorum: 2, writeQuorum: 2, requestTimeout: 1000, hintedHandoff: true,
        antiEntropyInterval: 10000, fsync: 'everysec', latencyTargetMs: 20, backgroundController: true, clusterSecret: null,
        requirepass: null, loglevel: 'notice', logfile: '', maxclients: 10000, maxRunningCommands: 128, metricsPort: 0, timeout: 0,
        protoMaxBulkLen: 512 * 1024 * 1024, clientQueryBufferLimit: 1024 * 1024 * 1024,
        protoMaxMultibulkLen: 1048576, protoInlineMaxSize: 64 * 1024, maxSiblings: 100,
        maxHintsPerTarget: 100000, maxHints: 1000000, vnodesPerWeight: 64,
      });
      expect(c.bind).to.deep.equal(['127.0.0.1']);
      expect(c.seeds).to.deep.equal([]);
    });

    it('derives cluster-port from the final port, after command-line overrides', () => {
      expect(parseConfig({ text: 'port 7001', argv: [] }).clusterPort).to.equal(17001);
      expect(parseConfig({ text: 'port 7001', argv: ['--port', '7005'] }).clusterPort).to.equal(17005);
      expect(parseConfig({ text: 'port 7001\ncluster-port 9000', argv: [] }).clusterPort).to.equal(9000);
    });

    it('caps unset read-quorum and write-quorum at replicas', () => {
      const c = parseConfig({ text: 'replicas 1', argv: [] });
      expect([c.readQuorum, c.writeQuorum]).to.deep.equal([1, 1]);
    });

    it('lets more commands run at once when writes wait for fsync', () => {
      const bound = (fsync: string) => parseConfig({ argv: ['--fsync', fsync] }).maxRunningCommands;
      expect(['no', 'everysec', 'coordinator', 'always'].map(bound)).to.deep.equal([128, 128, 1024, 1024]);
    });

    it('caps unset max-hints-per-target at max-hints', () => {
      expect(parseConfig({ argv: ['--max-hints', '500'] }).maxHintsPerTarget).to.equal(500);
    });

    it('returns a frozen config', () => {
      const c = parseConfig({ argv: [] });
      expect(Object.isFrozen(c)).to.equal(true);
      expect(Object.isFrozen(c.bind)).to.equal(true);
    });
  });

  describe('every directive parses and rejects', () => {
    // [directive, accepted args, field, resulting value, a rejected arg (null: any text goes)]
    const cases: Array<[string, string[], keyof Config, unknown, string | null]> = [
      ['port', ['7001'], 'port', 7001, '65536'],
      ['bind', ['127.0.0.1', '::1', 'localhost'], 'bind', ['127.0.0.1', '::1', 'localhost'], '300.1.1.1'],
      ['cluster-port', ['17001'], 'clusterPort', 17001, '0'],
      ['cluster-announce-ip', ['10.1.2.3'], 'clusterAnnounceIp', '10.1.2.3', '0.0.0.0'],
      ['cluster-announce-port', ['6379'], 'clusterAnnouncePort', 6379, '65536'],
      ['cluster-announce-bus-port', ['16379'], 'clusterAnnounceBusPort', 16379, '-1'],
      ['bind-source-addr', ['::1'], 'bindSourceAddr', '::1', 'db.example'],
      ['node-id', ['node-1.a_b'], 'nodeId', 'node-1.a_b', '../etc'],
      ['dir', ['/var/lib/q k'], 'dir', '/var/lib/q k', null],
      ['seeds', ['10.0.0.1:17001', '[::1]:17002', 'db.example:1'], 'seeds',
        [{ host: '10.0.0.1', port: 17001 }, { host: '::1', port: 17002 }, { host: 'db.example', port: 1 }],
        '10.0.0.1'],
      ['zone', ['eu-west-1a'], 'zone', 'eu-west-1a', 'a\u00e9'],
      ['weight', ['2.5'], 'weight', 2.5, '0'],
      ['replicas', ['5'], 'replicas', 5, '0'],
      ['read-quorum', ['1'], 'readQuorum', 1, '0'],
      ['write-quorum', ['3'], 'writeQuorum', 3, 'two'],
      ['request-timeout', ['250'], 'requestTimeout', 250, '0'],
      ['hinted-handoff', ['NO'], 'hintedHandoff', false, 'false'],
      ['write-journal', ['no'], 'writeJournal', false, 'maybe'],
      ['record-cache-size', ['64mb'], 'recordCacheSize', 64 * 1024 * 1024, '-1'],
      ['anti-entropy-interval', ['0'], 'antiEntropyInterval', 0, '-1'],
      ['fsync', ['Always'], 'fsync', 'always', 'sometimes'],
      ['latency-target-ms', ['0.5'], 'latencyTargetMs', 0.5, '-3'],
      ['background-controller', ['no'], 'backgroundController', false, 'off'],
      ['tombstone-grace', ['0'], 'tombstoneGrace', 0, '-1'],
      ['cluster-secret', ['s3cret with spaces'], 'clusterSecret', 's3cret with spaces', null],
      ['requirepass', ['pw'], 'requirepass', 'pw', null],
      ['loglevel', ['warning'], 'loglevel', 'warning', 'loud'],
      ['logfile', ['/tmp/q.log'], 'logfile', '/tmp/q.log', null],
      ['maxclients', ['100'], 'maxclients', 100, '0'],
      ['max-running-commands', ['0'], 'maxRunningCommands', 0, '-1'],
      ['metrics-port', ['9121'], 'metricsPort', 9121, '65536'],
      ['timeout', ['300'], 'timeout', 300, '1.5'],
      ['proto-max-bulk-len', ['2mb'], 'protoMaxBulkLen', 2 * 1024 * 1024, '1000'],
      ['client-query-buffer-limit', ['2GB'], 'clientQueryBufferLimit', 2 * 1024 ** 3, '1x'],
      ['proto-max-multibulk-len', ['1024'], 'protoMaxMultibulkLen', 1024, '0'],
      ['proto-inline-max-size', ['16k'], 'protoInlineMaxSize', 16000, '10'],
      ['max-siblings', ['10'], 'maxSiblings', 10, '0'],
      ['max-hints-per-target', ['10'], 'maxHintsPerTarget', 10, '0'],
      ['max-hints', ['1000000'], 'maxHints', 1000000, '0'],
      ['vnodes-per-weight', ['128'], 'vnodesPerWeight', 128, '4097'],
    ];

    it('has a case for every directive in the table', () => {
      expect(cases.map((c) => c[0]).sort()).to.deep.equal(DIRECTIVES.map((d) => d.name).sort());
    });

    for (const [name, args, field, value, bad] of cases) {
      it(`${name}: parses ${args.join(' ')} from a file and from the command line`, () => {
        const line = `${name} ${args.map((a) => `"${a}"`).join(' ')}`;
        expect(parseConfig({ text: line, argv: [] })[field]).to.deep.equal(value);
        expect(parseConfig({ argv: [`--${name}`, ...args] })[field]).to.deep.equal(value);
      });

      if (bad !== null) {
        it(`${name}: rejects '${bad}' naming the file, line and directive`, () => {
          const err = errorOf(`# comment\n${name} "${bad}"\n`);
          expect(err.message).to.match(new RegExp(`^a\\.conf:2: invalid value for '${name}': '`));
          expect(err.message).to.contain(`'${bad}' (expected `);
          expect(err.directive).to.equal(name);
        });
      }
    }

    it('rejects two values for every one-value directive', () => {
      for (const d of DIRECTIVES.filter((x) => !x.list)) {
        expect(errorOf(`${d.name} 1 2`).message).to.equal(
          `a.conf:1: wrong number of arguments for '${d.name}' (expected one value, got 2)`);
      }
    });

    it('treats "" as unset for node-id, dir, requirepass and cluster-secret', () => {
      const c = parseConfig({ text: 'node-id ""\ndir ""\nrequirepass ""\ncluster-secret ""', argv: [] });
      expect([c.nodeId, c.dir, c.requirepass, c.clusterSecret]).to.deep.equal([null, null, null, null]);
    });

    it('accepts the pino level names info, warn and error as loglevel', () => {
      for (const level of ['info', 'warn', 'error', 'DEBUG', 'verbose', 'notice']) {
        expect(parseConfig({ argv: ['--loglevel', level] }).loglevel).to.equal(level.toLowerCase());
      }
    });
  });

  describe('error messages', () => {
    it('names an unknown directive with its file and line', () => {
      expect(errorOf('port 7001\n\n# x\n\n\n\nprot 7002\n').message)
        .to.equal("a.conf:7: unknown directive 'prot'");
    });

    it('explains an invalid integer with its range', () => {
      expect(errorOf('\n\nport abc').message)
        .to.equal("a.conf:3: invalid value for 'port': 'abc' (expected an integer 1-65535)");
    });

    it('says command line for command-line directives', () => {
      expect(errorOf('port 7001', ['--prot', '1']).message).to.equal("command line: unknown directive 'prot'");
      expect(errorOf(undefined, ['--fsync', 'maybe']).message).to.equal(
        "command line: invalid value for 'fsync': 'maybe' (expected one of always, coordinator, everysec, no)");
    });

    it('names the offending item of a list directive', () => {
      expect(errorOf('seeds 127.0.0.1:17001 127.0.0.1:99999').message).to.equal(
        "a.conf:1: invalid value for 'seeds': '127.0.0.1:99999' (expected host:cluster-port)");
    });

    it('rejects a missing or extra value', () => {
      expect(errorOf('port').message)
        .to.equal("a.conf:1: wrong number of arguments for 'port' (expected one value, got 0)");
      expect(errorOf('port 1 # trailing comments are not comments').message).to.contain(
        "a.conf:1: wrong number of arguments for 'port' (expected one value, got 7)");
      expect(errorOf(undefined, ['--bind']).message)
        .to.equal("command line: wrong number of arguments for 'bind' (expected one or more values, got 0)");
    });

    it('uses <config> when no file name is given', () => {
      expect(() => parseConfig({ text: 'x 1', argv: [] })).to.throw("<config>:1: unknown directive 'x'");
    });

    it('rejects a read-quorum or write-quorum above replicas, naming the directive', () => {
      const r = errorOf('replicas 3\nread-quorum 4');
      expect(r.message).to.equal(
        "a.conf:2: invalid value for 'read-quorum': '4' (read-quorum must be between 1 and replicas (3))");
      const w = errorOf('write-quorum 3', ['--replicas', '2']);
      expect(w.directive).to.equal('write-quorum');
      expect(w.message).to.match(/^a\.conf:1: invalid value for 'write-quorum': '3' \(.*replicas \(2\)\)$/);
    });

    it('announces the bind address and ports unless cluster-announce-* say otherwise; sends from any address unless bind-source-addr says one', () => {
      const c = parseConfig({ text: 'port 7001', argv: [] });
      expect([c.clusterAnnounceIp, c.clusterAnnouncePort, c.clusterAnnounceBusPort, c.bindSourceAddr]).to.deep.equal([null, 0, 0, null]);
      expect(parseConfig({ text: 'cluster-announce-ip node3.example', argv: [] }).clusterAnnounceIp).to.equal('node3.example');
      expect(errorOf('cluster-announce-ip ::').message).to.match(/^a\.conf:1: invalid value for 'cluster-announce-ip': '::'/);
      expect(errorOf('bind-source-addr 0.0.0.0').message).to.match(/^a\.conf:1: invalid value for 'bind-source-addr': '0.0.0.0'/);
    });

    it('takes metrics-port 0 (none, the default) or a port of its own, not the RESP or cluster port', () => {
      expect(parseConfig({ fileName: 'a.conf', text: 'port 7001', argv: [] }).metricsPort).to.equal(0);
      expect(parseConfig({ fileName: 'a.conf', text: 'port 7001\nmetrics-port 9121', argv: [] }).metricsPort).to.equal(9121);
      expect(errorOf('port 7001\nmetrics-port 7001').message).to.equal(
        "a.conf:2: invalid value for 'metrics-port': '7001' (metrics-port must differ from port and cluster-port)");
      expect(errorOf('port 7001\nmetrics-port 17001').message).to.equal(
        "a.conf:2: invalid value for 'metrics-port': '17001' (metrics-port must differ from port and cluster-port)");
      expect(errorOf('metrics-port 70000').message).to.match(/^a\.conf:1: invalid value for 'metrics-port': '70000'/);
    });

    it('rejects a cluster-port equal to port, and a derived one over 65535', () => {
      expect(errorOf('port 7001\ncluster-port 7001').message).to.equal(
        "a.conf:2: invalid value for 'cluster-port': '7001' (cluster-port must differ from port)");
      expect(errorOf('\nport 60000').message).to.equal(
        "a.conf:2: 'cluster-port' defaults to 70000 (port + 10000 is over 65535: set cluster-port)");
    });

    it('rejects max-hints-per-target above max-hints', () => {
      expect(errorOf('max-hints 10\nmax-hints-per-target 11').message).to.equal(
        "a.conf:2: invalid value for 'max-hints-per-target': '11' (must not exceed max-hints (10))");
    });
  });

  describe('sources and repetition', () => {
    it('lets the command line override the file', () => {
      const c = parseConfig({ text: 'port 7001\nzone a\nhinted-handoff yes', argv: ['--zone', 'b', '--hinted-handoff', 'no'] });
      expect([c.port, c.zone, c.hintedHandoff]).to.deep.equal([7001, 'b', false]);
    });

    it('keeps the last value of a directive given twice', () => {
      expect(parseConfig({ text: 'port 1\nport 2', argv: ['--port', '3', '--port', '4'] }).port).to.equal(4);
    });

    it('reads directive names case-insensitively', () => {
      expect(parseConfig({ text: 'PORT 7001\nRead-Quorum 1', argv: ['--FSYNC', 'no'] }))
        .to.deep.include({ port: 7001, readQuorum: 1, fsync: 'no' });
    });

    it('adds up list directives within a source, without duplicates', () => {
      const c = parseConfig({ text: 'seeds a:1 b:2\nseeds b:2 c:3\nbind 127.0.0.1\nbind ::1', argv: [] });
      expect(c.seeds.map((s) => `${s.host}:${s.port}`)).to.deep.equal(['a:1', 'b:2', 'c:3']);
      expect(c.bind).to.deep.equal(['127.0.0.1', '::1']);
    });

    it('replaces the file\'s list with the command line\'s', () => {
      const c = parseConfig({ text: 'seeds a:1 b:2', argv: ['--seeds', 'c:3', '--seeds', 'd:4'] });
      expect(c.seeds.map((s) => s.host)).to.deep.equal(['c', 'd']);
    });

    it('empties a list with ""', () => {
      expect(parseConfig({ text: 'seeds a:1 b:2', argv: ['--seeds', ''] }).seeds).to.deep.equal([]);
      expect(parseConfig({ text: 'seeds a:1\nseeds ""', argv: [] }).seeds).to.deep.equal([]);
    });

    it('reads quoted values with escapes from the file', () => {
      const c = parseConfig({ text: `requirepass "p w\\x21"\ncluster-secret 'it\\'s'`, argv: [] });
      expect([c.requirepass, c.clusterSecret]).to.deep.equal(['p w!', "it's"]);
    });
  });
});
