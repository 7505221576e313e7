/**
 * A client's unread replies are bounded on a real node: past 64 MB waiting to be written, the
 * connection starts no more of its commands until the client reads. A client that pipelines GETs
 * of a 1 MB value and never reads must not grow the node by every reply, nor slow other clients;
 * one that does read gets every reply, in order.
 */
import fs from 'node:fs';
import net from 'node:net';
import { expect } from 'chai';
import { disposeAll, startNode, type QuorumNodeProcess } from './harness';
import { ioClient } from './client-helpers';

const rssMiB = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MB = 1024 * 1024;

describe('integration: unread replies are bounded', function () {
  this.timeout(60000);
  let qkv: QuorumNodeProcess | undefined;
  before(async () => {
    qkv = await startNode();
    const c = ioClient(qkv.port);
    try {
      expect(await c.set('onemb', Buffer.alloc(MB, 'v'))).to.equal('OK');
    } finally {
      c.disconnect();
    }
  });
  after(() => disposeAll(qkv));

  it('a client that never reads 600 replies of 1 MB does not grow the node by them, and others are served', async () => {
    const pid = qkv!.child!.pid!;
    const before = rssMiB(pid);
    const silent = net.connect(qkv!.port, '127.0.0.1');
    silent.pause(); // never reads
    await new Promise<void>((r) => silent.once('connect', () => r()));
    silent.write('*2\r\n$3\r\nGET\r\n$5\r\nonemb\r\n'.repeat(600));
    const other = ioClient(qkv!.port);
    let peak = before;
    try {
      for (let t = 0; t < 30; t++) {
        await sleep(100);
        peak = Math.max(peak, rssMiB(pid));
        const t0 = Date.now();
        expect(await other.ping()).to.equal('PONG');
        expect(Date.now() - t0, 'a PING while the silent client waits').to.be.below(500);
      }
    } finally {
      other.disconnect();
      silent.destroy();
    }
    // 600 MB of replies were asked for; the bound is 64 MB of output plus what was in flight
    expect(peak - before, `RSS grew from ${before.toFixed(0)} to ${peak.toFixed(0)} MiB`).to.be.below(300);
  });

  it('a client that reads gets all 300 replies of 1 MB it sent in one write, in order', async () => {
    const s = net.connect(qkv!.port, '127.0.0.1');
    await new Promise<void>((r) => s.once('connect', () => r()));
    const n = 300;
    const one = `$${MB}\r\n`.length + MB + 2;
    s.write('*2\r\n$3\r\nGET\r\n$5\r\nonemb\r\n'.repeat(n) + '*1\r\n$4\r\nPING\r\n');
    let got = 0;
    let tail = '';
    await new Promise<void>((resolve, reject) => {
      s.on('data', (d: Buffer) => {
        got += d.length;
        tail = (tail + d.toString('latin1', Math.max(0, d.length - 16))).slice(-16);
        if (got >= n * one + 7) resolve();
      });
      s.on('error', reject);
      s.on('close', () => reject(new Error(`closed after ${got} bytes`)));
    });
    s.destroy();
    expect(got).to.equal(n * one + 7);
    expect(tail.endsWith('+PONG\r\n')).to.equal(true);
  });
});
