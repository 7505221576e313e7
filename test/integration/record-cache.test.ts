/**
 * `record-cache-size` on a real node: the cache of encoded records stays within its bound while
 * every value is still served (what it evicted comes from LevelDB), and 0 turns it off.
 */
import { expect } from 'chai';
import { disposeAll, startNode, type ServerProcess } from './harness';
import { ioClient } from './client-helpers';

const field = (text: string, name: string): number => {
  const m = new RegExp(`^${name}:(\\d+)\\r?$`, 'm').exec(text);
  expect(m, name).to.not.equal(null);
  return Number(m![1]);
};

async function fillAndRead(port: number): Promise<string> {
  const client = ioClient(port);
  try {
    const value = (i: number): string => `${i}:`.padEnd(1000, String.fromCharCode(97 + (i % 26)));
    for (let i = 0; i < 200; i++) expect(await client.set(`rc:${i}`, value(i))).to.equal('OK');
    for (let i = 0; i < 200; i++) expect(await client.get(`rc:${i}`), `rc:${i}`).to.equal(value(i));
    return await client.info('storage');
  } finally {
    client.disconnect();
  }
}

describe('integration: record-cache-size', function () {
  this.timeout(30000);
  let qkv: ServerProcess | undefined;
  afterEach(() => disposeAll(qkv));

  it('keeps the cache within its bound and serves what it evicted from LevelDB', async () => {
    qkv = await startNode({ args: ['--record-cache-size', '64kb'] });
    const info = await fillAndRead(qkv.port);
    expect(field(info, 'record_cache_max_bytes')).to.equal(65536);
    expect(field(info, 'record_cache_bytes')).to.be.at.most(65536).and.above(0);
    // 200 records of ~1 KB cannot all fit in 64 KB: some reads went to LevelDB
    expect(field(info, 'record_cache_keys')).to.be.below(200).and.above(0);
    expect(field(info, 'record_cache_misses')).to.be.above(0);
    const client = ioClient(qkv.port);
    try {
      expect(await client.config('GET', 'record-cache-size')).to.deep.equal(['record-cache-size', '65536']);
    } finally {
      client.disconnect();
    }
  });

  it('0 caches nothing and serves every value from LevelDB', async () => {
    qkv = await startNode({ args: ['--record-cache-size', '0'] });
    const info = await fillAndRead(qkv.port);
    expect(field(info, 'record_cache_max_bytes')).to.equal(0);
    expect(field(info, 'record_cache_keys')).to.equal(0);
    expect(field(info, 'record_cache_hits')).to.equal(0);
  });
});
