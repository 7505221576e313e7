import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname } from 'node:path';
import { LevelStore } from '../../lib/storage/level-store';
import { collect, expectCode, spyBatch } from './helpers';
import { storeCompliance } from './store-compliance';

const root = mkdtempSync(join(tmpdir(), 'quorumkv-level-store-'));
const freshDir = (): string => mkdtempSync(join(root, 'db-'));
after(() => rmSync(root, { recursive: true, force: true }));

storeCompliance('LevelStore', async () => new LevelStore({ dir: freshDir() }));

describe('LevelStore', () => {
  const kv = (k: string, v: string) => ({ type: 'put' as const, key: Buffer.from(k), value: Buffer.from(v) });

  it('a new store on the same directory finds the data after close', async () => {
    const dir = freshDir();
    const first = new LevelStore({ dir, durability: 'no' });
    await first.open();
    await first.write([kv('a', '1'), kv('b', '2')]);
    await first.close();
    const second = new LevelStore({ dir });
    await second.open();
    expect((await collect(second.range({}))).map(([k, v]) => `${k}=${v}`)).to.deep.equal(['a=1', 'b=2']);
    await second.close();
  });

  it('opening a directory another store holds fails with STORE_LOCKED', async () => {
    const dir = freshDir();
    const holder = new LevelStore({ dir });
    await holder.open();
    const other = new LevelStore({ dir });
    const err = await expectCode(other.open(), 'STORE_LOCKED');
    expect(err.message).to.contain(dir);
    expect(other.status).to.equal('closed');
    await holder.close();
    await other.open();
    await other.close();
  });

  it("durability 'always' syncs every batch and 'everysec' none", async () => {
    for (const [durability, expected] of [['always', true], ['everysec', false], ['no', false]] as const) {
      const store = new LevelStore({ dir: freshDir(), durability });
      await store.open();
      const spy = spyBatch(store);
      await Promise.all([store.write([kv('x', '1')]), store.write([kv('y', '2')])]);
      expect(spy.calls.map((c) => c.sync), durability).to.deep.equal([expected]);
      await store.close();
    }
  });

  it('sync leaves no key of its own behind', async () => {
    const store = new LevelStore({ dir: freshDir(), durability: 'everysec' });
    await store.open();
    await store.write([kv('only', '1')]);
    await store.sync();
    expect((await collect(store.range({}))).map(([k]) => k.toString())).to.deep.equal(['only']);
    await store.close();
  });

  it('writes acknowledged with durability always survive kill -9 of the writer', async function () {
    this.timeout(30_000);
    const dir = freshDir();
    const count = 200;
    const child = spawn(
      process.execPath,
      // compiled (dist/, as npm test runs) the fixture is .js; under tsx it is .ts
      [...(__filename.endsWith('.ts') ? ['--require', 'tsx/cjs'] : []), join(__dirname, 'fixtures', `crash-writer${extname(__filename)}`), dir, String(count)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      await waitForLine(child, 'written');
      // the child still holds the directory
      await expectCode(new LevelStore({ dir }).open(), 'STORE_LOCKED');
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_c, sig) => resolve(sig)));
      child.kill('SIGKILL');
      expect(await exited).to.equal('SIGKILL');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    const store = new LevelStore({ dir });
    await store.open();
    for (let i = 0; i < count; i++) {
      expect((await store.get(Buffer.from(`key-${i}`)))?.toString(), `key-${i}`).to.equal(`value-${i}`);
    }
    await store.close();
  });
});

function waitForLine(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.split('\n').includes(line)) resolve();
    });
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before "${line}": ${err}`)));
  });
}
