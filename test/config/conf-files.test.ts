import { existsSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseConfig } from '../../lib/config';

/** the project's conf/: two levels up from test/config, three from dist/test/config */
const CONF = [join(__dirname, '..', '..', 'conf'), join(__dirname, '..', '..', '..', 'conf')].find((d) => existsSync(join(d, 'node1.conf')))!;

describe('conf/node1..3.conf (the local three-node cluster)', () => {
  for (const i of [1, 2, 3]) {
    it(`conf/node${i}.conf parses to node${i} on 127.0.0.1:700${i}`, () => {
      const fileName = `conf/node${i}.conf`;
      const c = parseConfig({ fileName, text: readFileSync(join(CONF, `node${i}.conf`), 'utf8'), argv: [] });
      expect(c).to.deep.include({
        port: 7000 + i, clusterPort: 17000 + i, nodeId: `node${i}`, dir: `./data/node${i}`,
        zone: 'default', replicas: 3, readQuorum: 2, writeQuorum: 2, logfile: '',
        requirepass: null, clusterSecret: null,
      });
      expect(c.bind).to.deep.equal(['127.0.0.1']);
      expect(c.seeds).to.deep.equal([17001, 17002, 17003].map((port) => ({ host: '127.0.0.1', port })));
    });
  }

  it('lets the command line override a conf file, as the file\'s header says', () => {
    const text = readFileSync(join(CONF, 'node2.conf'), 'utf8');
    const c = parseConfig({ fileName: 'conf/node2.conf', text, argv: ['--loglevel', 'debug', '--port', '7101'] });
    expect([c.loglevel, c.port, c.clusterPort]).to.deep.equal(['debug', 7101, 17002]);
  });
});
