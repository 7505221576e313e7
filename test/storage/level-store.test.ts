import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname } from 'node:path';
import { LevelStore } from '../../lib/storage/level-store';
import { Journal } from '../../lib/storage/journal';
import { collect, expectCode, spyBatch } from './helpers';
import { storeCompliance } from './store-compliance';

const root = mkdtempSync(join(tmpdir(), 'quorumkv-level-store-'));
const freshDir = (): string => mkdtempSync(join(root, 'db-'));
after(() => rmSync(root, { recursive: true, force: true }));

storeCompliance('LevelStore', async () => new LevelStore({ dir: freshDir() }));
storeCompliance('LevelStore with a journal', async () => new LevelStore({ dir: freshDir(), journaled: true }), { journaled: true });

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

  it("writes through classic-level's native batch calls (an upgrade that moves them falls back, and fails this)", async () => {
    const dir = freshDir();
    const store = new LevelStore({ dir });
    expect((store as unknown as { native: unknown }).native, 'the native batch calls were not found').to.not.equal(null);
    await store.open();
    await store.write([kv('a', '1'), kv('b', '2'), { type: 'del', key: Buffer.from('a') }, kv('c', '3')]);
    await store.close();
    const again = new LevelStore({ dir });
    await again.open();
    expect((await collect(again.range({}))).map(([k, v]) => `${k}=${v}`)).to.deep.equal(['b=2', 'c=3']);
    await again.close();
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

  it("durability 'coordinator' syncs a batch that holds a coordinated write, and no other", async () => {
    const store = new LevelStore({ dir: freshDir(), durability: 'coordinator' });
    await store.open();
    const spy = spyBatch(store);
    await Promise.all([store.write([kv('replica', '1')]), store.write([kv('replica2', '2')])]);
    await Promise.all([store.write([kv('replica3', '3')]), store.write([kv('mine', '4')], { coordinated: true })]);
    await store.write([kv('mine2', '5')], { coordinated: true });
    expect(spy.calls.map((c) => c.sync)).to.deep.equal([false, true, true]);
    await store.close();
  });

  it("with a journal, durability 'coordinator' syncs the journal for a coordinated write only", async () => {
    const store = new LevelStore({ dir: freshDir(), durability: 'coordinator', journaled: true });
    await store.open();
    const journal = (store as unknown as { journal: Journal }).journal;
    let syncs = 0;
    const syncNow = journal.syncNow.bind(journal);
    journal.syncNow = () => {
      syncs++;
      syncNow();
    };
    await store.write([kv('replica', '1')]);
    expect(syncs, 'after a replica write').to.equal(0);
    await store.write([kv('mine', '2')], { coordinated: true });
    expect(syncs, 'after a coordinated write').to.equal(1);
    await store.close();
  });

  it('with a journal, writes journaled while the device is busy go to it together, in order, in one write', async () => {
    const store = new LevelStore({ dir: freshDir(), journaled: true });
    await store.open();
    const target = store as unknown as { _batch: (ops: readonly { key: Buffer }[], sync: boolean) => Promise<void> };
    const original = target._batch.bind(store);
    const calls: string[][] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    target._batch = async (ops, sync) => {
      calls.push(ops.map((o) => o.key.toString()));
      if (calls.length === 1) await held; // the device is slow with the first write
      return original(ops, sync);
    };
    await store.write([kv('first', '0')]);
    // three ticks of writes, each acknowledged once journaled while the device still holds the first
    for (let tick = 0; tick < 3; tick++) {
      await Promise.all([store.write([kv(`t${tick}a`, '1')]), store.write([kv(`t${tick}b`, '1'), kv('same', `${tick}`)])]);
    }
    expect(calls).to.have.length(1);
    expect((await store.get(Buffer.from('same')))?.toString()).to.equal('2');
    release();
    await collect(store.range({})); // waits until the device holds every write
    expect(calls).to.deep.equal([['first'], ['t0a', 't0b', 'same', 't1a', 't1b', 'same', 't2a', 't2b', 'same']]);
    expect((await store.get(Buffer.from('same')))?.toString()).to.equal('2');
    await store.close();
  });

  it('sync leaves no key of its own behind', async () => {
    const store = new LevelStore({ dir: freshDir(), durability: 'everysec' });
    await store.open();
    await store.write([kv('only', '1')]);
    await store.sync();
    expect((await collect(store.range({}))).map(([k]) => k.toString())).to.deep.equal(['only']);
    await store.close();
  });

  for (const [durability, journal] of [['always', false], ['always', true], ['no', true]] as const) {
    const how = `durability ${durability}${journal ? ' and a journal' : ''}`;
    it(`writes acknowledged with ${how} survive kill -9 of the writer`, async function () {
      this.timeout(30_000);
      const dir = freshDir();
      const count = 200;
      const child = spawn(
        process.execPath,
        // compiled (dist/, as npm test runs) the fixture is .js; under tsx it is .ts
        [
          ...(__filename.endsWith('.ts') ? ['--require', 'tsx/cjs'] : []),
          join(__dirname, 'fixtures', `crash-writer${extname(__filename)}`),
          dir,
          String(count),
          durability,
          journal ? 'journal' : '',
        ],
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
      const store = new LevelStore({ dir, journaled: journal });
      await store.open();
      for (let i = 0; i < count; i++) {
        expect((await store.get(Buffer.from(`key-${i}`)))?.toString(), `key-${i}`).to.equal(`value-${i}`);
      }
      await store.close();
      // a clean close leaves no journal behind, and the device alone holds everything
      expect(existsSync(`${dir}-journal`) ? readdirSync(`${dir}-journal`) : []).to.deep.equal([]);
      const plain = new LevelStore({ dir });
      await plain.open();
      expect((await plain.get(Buffer.from(`key-${count - 1}`)))?.toString()).to.equal(`value-${count - 1}`);
      await plain.close();
    });
  }

  it('replays a journal in order and stops at a torn entry', async () => {
    const dir = freshDir();
    const jdir = `${dir}-journal`;
    const j = new Journal({ dir: jdir });
    j.leftovers();
    j.start();
    j.append([kv('k', 'v1'), kv('gone', 'x')]);
    j.append([kv('k', 'v2'), { type: 'del', key: Buffer.from('gone') }]);
    j.append([kv('k', 'torn')]);
    // tear the last entry, as a crash of the machine mid-write could
    const file = join(jdir, readdirSync(jdir)[0]!);
    truncateSync(file, statSync(file).size - 3);
    const store = new LevelStore({ dir, journaled: true });
    await store.open();
    expect((await store.get(Buffer.from('k')))?.toString()).to.equal('v2');
    expect(await store.get(Buffer.from('gone'))).to.equal(undefined);
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
