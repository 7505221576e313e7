import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { SERVER_NODE_FLAGS } from '../../lib/cli/node-flags';

function root(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'bin', 'quorumkv-server'))) return dir;
    if (path.dirname(dir) === dir) throw new Error('no bin/quorumkv-server above ' + __dirname);
  }
}

describe('server node flags', () => {
  it("bin/quorumkv-server's shebang passes exactly SERVER_NODE_FLAGS to node", () => {
    const first = fs.readFileSync(path.join(root(), 'bin', 'quorumkv-server'), 'utf8').split('\n')[0];
    expect(first).to.equal(`#!/usr/bin/env -S node ${SERVER_NODE_FLAGS.join(' ')}`);
  });

  it('are flags this node accepts', () => {
    const out = execFileSync(process.execPath, [...SERVER_NODE_FLAGS, '-e', 'process.stdout.write("ok")'], { encoding: 'utf8' });
    expect(out).to.equal('ok');
  });
});
