/**
 * A node that cannot start says why and exits 1, without a stack trace: real quorumkv-server
 * processes started with a bad config file, a data directory that a file stands in the way of,
 * another node's data directory, and a data directory or port another process uses.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { SERVER_BIN } from './cluster-harness-procs';
import { disposeAll, freePort, startNode, tempDir } from './harness';

interface Exit {
  readonly code: number | null;
  readonly stderr: string;
  /** the log (pino JSON lines on stdout) */
  readonly stdout: string;
}

/** runs the server to its exit (a node that starts would be killed by the timeout: code null) */
function run(args: readonly string[]): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SERVER_BIN, ...args], { timeout: 15_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null;
      resolve({ code, stderr, stdout });
    });
  });
}

describe('start-up errors (real processes)', function () {
  this.timeout(40_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir('qkv-startup-');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names the file, the line and the directive of an unknown directive', async () => {
    const conf = path.join(dir, 'bad.conf');
    fs.writeFileSync(conf, `port ${await freePort()}\nreplicas 3\nno-such-directive yes\n`);
    const exit = await run([conf, '--dir', path.join(dir, 'data')]);
    expect(exit.code).to.equal(1);
    expect(exit.stderr).to.include(conf).and.include('3').and.include('no-such-directive');
    expect(exit.stderr).not.to.include('    at ');
  });

  it('says a file is in the way of the data directory', async () => {
    const file = path.join(dir, 'not-a-dir');
    fs.writeFileSync(file, 'x');
    for (const d of [file, path.join(file, 'sub')]) {
      const exit = await run(['--port', String(await freePort()), '--dir', d]);
      expect(exit.code, d).to.equal(1);
      expect(exit.stderr, d).to.include(`cannot use data directory ${d} (dir): a file is in the way`);
      expect(exit.stderr, d).not.to.include('    at ');
    }
  });

  it("refuses another node's data directory, naming both ids", async () => {
    const data = path.join(dir, 'data');
    fs.mkdirSync(data);
    fs.writeFileSync(path.join(data, 'node-id'), 'first\n');
    const exit = await run(['--port', String(await freePort()), '--dir', data, '--node-id', 'second']);
    expect(exit.code).to.equal(1);
    expect(exit.stderr).to.include("belongs to node 'first', not 'second'");
  });

  it('says a data directory or a port is in use by another process, with no stack trace in the log either', async () => {
    const first = await startNode({ dir: path.join(dir, 'data') });
    try {
      const locked = await run(['--port', String(await freePort()), '--dir', path.join(dir, 'data')]);
      expect(locked.code).to.equal(1);
      expect(locked.stderr).to.include(`data directory ${path.join(dir, 'data', 'db')} is in use by another process`);
      const taken = await run(['--port', String(first.port), '--dir', path.join(dir, 'other')]);
      expect(taken.code).to.equal(1);
      expect(taken.stderr).to.match(/EADDRINUSE: address already in use 127\.0\.0\.1:\d+/);
      for (const exit of [locked, taken]) {
        expect(exit.stdout).to.match(/"level":"fatal".*start-up failed/);
        expect(exit.stdout).not.to.include('"stack"');
      }
    } finally {
      await disposeAll(first);
    }
  });
});
