/**
 * One command over tens of thousands of keys (MSET, MGET, DEL) on a healthy cluster answers as
 * Redis does: before, every key's quorum round started at once, healthy peers timed out under the
 * replica batches, were suspected, and the MSET answered NOQUORUM (with ~2 hints per key) for
 * writes that had succeeded. Real processes, the command sent as one raw RESP array.
 */
import net from 'node:net';
import { expect } from 'chai';
import { formedCluster } from './cluster-harness-procs';

/** sends one command, resolves with the first line of its reply (or, for an array, its length line) */
function rawCommand(port: number, args: readonly string[]): Promise<string> {
  const parts = [`*${args.length}\r\n`];
  for (const a of args) parts.push(`$${Buffer.byteLength(a)}\r\n${a}\r\n`);
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (d) => {
      got += d.toString('latin1');
      const end = got.indexOf('\r\n');
      if (end >= 0) {
        s.destroy();
        resolve(got.slice(0, end));
      }
    });
    s.on('error', reject);
    s.write(parts.join(''));
  });
}

describe('multi-key commands over tens of thousands of keys (real processes)', function () {
  this.timeout(90000);
  const cluster = formedCluster(3);

  it('MSET, MGET and DEL of 40,000 keys answer as Redis does, with no peer suspected', async () => {
    const n = 40000;
    const keys = Array.from({ length: n }, (_, i) => `big:${i}`);
    const port = cluster().nodes[0]!.port;
    expect(await rawCommand(port, ['MSET', ...keys.flatMap((k, i) => [k, `v${i}`])])).to.equal('+OK');
    expect(await rawCommand(port, ['MGET', ...keys])).to.equal(`*${n}`);
    expect(await cluster().client(1).get('big:39999')).to.equal('v39999');
    expect(await rawCommand(port, ['DEL', ...keys])).to.equal(`:${n}`);
    for (const node of cluster().nodes) {
      expect(node.log(), node.name).to.not.include('routing around it');
      expect(await node.infoNumber('cluster_reachable_nodes'), node.name).to.equal(3);
    }
  });
});
