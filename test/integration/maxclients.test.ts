/**
 * `maxclients` on a real node: a client over the bound gets Redis's error and is closed, the node
 * keeps no socket (no file descriptor) for it, the clients it holds are served throughout, and the
 * node still stops cleanly on SIGTERM after refusing some.
 */
import fs from 'node:fs';
import net from 'node:net';
import { expect } from 'chai';
import { disposeAll, startNode, type QuorumNodeProcess } from './harness';
import { ioClient } from './client-helpers';

/** connects, sends PING, and collects what arrives until the node closes the connection */
function refusedPing(port: number): Promise<{ reply: string; closed: boolean }> {
  return new Promise((resolve) => {
    let reply = '';
    const s = net.connect(port, '127.0.0.1', () => s.write('*1\r\n$4\r\nPING\r\n'));
    const t = setTimeout(() => {
      s.destroy();
      resolve({ reply, closed: false });
    }, 3000);
    s.on('data', (d) => (reply += d.toString('latin1')));
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(t);
      resolve({ reply, closed: true });
    });
  });
}

const openFds = (pid: number): number => fs.readdirSync(`/proc/${pid}/fd`).length;

describe('integration: maxclients', function () {
  this.timeout(40000);
  let qkv: QuorumNodeProcess | undefined;
  afterEach(() => disposeAll(qkv));

  it('refuses clients over the bound with an error and a close, keeping nothing open, and stops cleanly', async () => {
    qkv = await startNode({ args: ['--maxclients', '2'] });
    const pid = qkv.child!.pid!;
    const held = [ioClient(qkv.port), ioClient(qkv.port)];
    try {
      for (const c of held) expect(await c.ping()).to.equal('PONG');
      const fdsBefore = openFds(pid);
      for (let i = 0; i < 30; i++) {
        expect(await refusedPing(qkv.port), `refused client ${i}`).to.deep.equal({ reply: '-ERR max number of clients reached\r\n', closed: true });
      }
      const info = await held[0].info('stats');
      expect(info).to.match(/^rejected_connections:30\r?$/m);
      // each refused socket is gone from the node once the client left
      let fds = openFds(pid);
      for (let t = 0; fds > fdsBefore + 2 && t < 50; t++) {
        await new Promise((r) => setTimeout(r, 100));
        fds = openFds(pid);
      }
      expect(fds, 'open file descriptors after 30 refused clients').to.be.at.most(fdsBefore + 2);
      expect(await held[1].ping()).to.equal('PONG');
      // a place freed is a place taken
      held[1].disconnect();
      let next: ReturnType<typeof ioClient> | null = null;
      for (let t = 0; next === null && t < 50; t++) {
        const c = ioClient(qkv.port);
        try {
          if ((await c.ping()) === 'PONG') next = c;
        } catch {
          c.disconnect();
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      expect(next, 'a new client once one left').to.not.equal(null);
      held[1] = next!;
      // one more refused, then SIGTERM: the node stops by itself (stop() would SIGKILL after 8 s)
      expect((await refusedPing(qkv.port)).reply).to.equal('-ERR max number of clients reached\r\n');
    } finally {
      for (const c of held) c.disconnect();
    }
    expect(await qkv.stop(8000)).to.equal(0);
  });
});
