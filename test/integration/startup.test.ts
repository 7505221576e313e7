/**
 * A node that cannot start says why and exits 1, without a stack trace: real quorumkv-server
 * processes started with a bad config file, a data directory that a file stands in the way of,
 * and another node's data directory.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { SERVER_BIN } from './cluster-harness-procs';
import { freePort, tempDir } from './harness';

interface Exit {
  readonly code: number | null;
  readonly stderr: string;
}

/** runs the server to its exit (a node that starts would be killed by the timeout: code null) */
function run(args: readonly string[]): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SERVER_BIN, ...args], { timeout: 15_000 }, (err, _stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null;
      resolve({ code, stderr });
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
});
