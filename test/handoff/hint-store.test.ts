import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { HintStore, type HintLimits } from '../../lib/handoff/hint-store';
import { allHintsRange, parseHintKey } from '../../lib/handoff/hint-key';
import { MemoryStore } from '../../lib/storage/memory-store';
import { LevelStore } from '../../lib/storage/level-store';
import type { Store } from '../../lib/storage/store';

const log = pino({ level: 'silent' });
const LOOSE: HintLimits = { maxHints: 1000, maxHintsPerTarget: 1000 };

interface Backend {
  /** a fresh, open store */
  fresh(): Promise<Store>;
  /** close the store and open a new one on the same data (a restart) */
  reopen(s: Store): Promise<Store>;
}

const root = mkdtempSync(join(tmpdir(), 'quorumkv-hints-'));
after(() => rmSync(root, { recursive: true, force: true }));
const levelDirs = new Map<Store, string>();

const backends: Array<[string, Backend]> = [
  ['MemoryStore', {
    fresh: async () => {
      const s = new MemoryStore({ tick: 'microtask' });
      await s.open();
      return s;
    },
    reopen: async (s) => {
      const next = (s as MemoryStore).crash();
      await next.open();
      return next;
    },
  }],
  ['LevelStore', {
    fresh: async () => {
      const dir = mkdtempSync(join(root, 'db-'));
      const s = new LevelStore({ dir });
      levelDirs.set(s, dir);
      await s.open();
      return s;
    },
    reopen: async (s) => {
      const dir = levelDirs.get(s)!;
      await s.close();
      const next = new LevelStore({ dir });
      levelDirs.set(next, dir);
      await next.open();
      return next;
    },
  }],
];

async function storedHints(store: Store): Promise<string[]> {
  const out: string[] = [];
  for await (const [k] of store.range(allHintsRange())) {
    const h = parseHintKey(k);
    out.push(`${h.target}/${h.slot}/${h.key.toString()}`);
  }
  return out;
}

async function loaded(store: Store, limits = LOOSE): Promise<HintStore> {
  const hints = new HintStore(store, 'self', limits, () => 1_700_000_000_000, log);
  await hints.load();
  return hints;
}

for (const [name, backend] of backends) {
  describe(`handoff: hint store on ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await backend.fresh();
    });
    afterEach(async () => {
      await store.close();
    });

    it('a hint is written under NS_HINT and counted per target; a repeated hint is kept once', async () => {
      const hints = await loaded(store);
      hints.add('n2', 7, Buffer.from('k1'));
      hints.add('n2', 7, Buffer.from('k1'));
      hints.add('n3', 9, Buffer.from('k1'));
      await hints.idle();
      hints.add('n2', 7, Buffer.from('k1'));
      await hints.idle();
      expect(await storedHints(store)).to.deep.equal(['n2/7/k1', 'n3/9/k1']);
      const s = hints.stats();
      expect(s.pending).to.equal(2);
      expect([...s.perTarget]).to.deep.equal([['n2', 1], ['n3', 1]]);
      expect(hints.targets()).to.deep.equal(['n2', 'n3']);
    });

    it('a hint naming this node itself is not kept', async () => {
      const hints = await loaded(store);
      hints.add('self', 1, Buffer.from('k'));
      await hints.idle();
      expect(await storedHints(store)).to.deep.equal([]);
      expect(hints.stats().pending).to.equal(0);
    });

    it('hints beyond max-hints-per-target and max-hints are counted as dropped, not kept', async () => {
      const hints = await loaded(store, { maxHints: 5, maxHintsPerTarget: 3 });
      for (let i = 0; i < 4; i++) hints.add('n2', i, Buffer.from(`a${i}`));
      for (let i = 0; i < 4; i++) hints.add('n3', i, Buffer.from(`b${i}`));
      await hints.idle();
      const s = hints.stats();
      expect(s.perTarget.get('n2')).to.equal(3);
      expect(s.perTarget.get('n3')).to.equal(2); // max-hints (5) reached first
      expect(s.pending).to.equal(5);
      expect(s.dropped).to.equal(3);
      expect(await storedHints(store)).to.have.length(5);
    });

    it('pages through one target\'s hints in key order', async () => {
      const hints = await loaded(store);
      for (let i = 0; i < 10; i++) hints.add('n2', 100 - i, Buffer.from(`k${i}`));
      hints.add('n20', 1, Buffer.from('other'));
      await hints.idle();
      const seen: number[] = [];
      let after: Buffer | null = null;
      for (;;) {
        const page = await hints.page('n2', after, 3);
        if (page.length === 0) break;
        expect(page.length).to.be.at.most(3);
        for (const h of page) expect(h.target).to.equal('n2');
        seen.push(...page.map((h) => h.slot));
        after = page[page.length - 1]!.storeKey;
      }
      expect(seen).to.deep.equal([91, 92, 93, 94, 95, 96, 97, 98, 99, 100]);
    });

    it('a delivered hint is deleted and counted; a hint re-added during its delivery is kept', async () => {
      const hints = await loaded(store);
      hints.add('n2', 1, Buffer.from('a'));
      hints.add('n2', 2, Buffer.from('b'));
      await hints.idle();
      const [a, b] = await hints.page('n2', null, 10);
      hints.claim(a!);
      hints.claim(b!);
      hints.add('n2', 2, Buffer.from('b')); // a newer write of b, after its delivery read the record
      expect(await hints.complete(a!, true)).to.equal(true);
      expect(await hints.complete(b!, true)).to.equal(false);
      await hints.idle();
      expect(await storedHints(store)).to.deep.equal(['n2/2/b']);
      const s = hints.stats();
      expect([s.pending, s.delivered]).to.deep.equal([1, 1]);
    });

    it('an unacknowledged delivery keeps the hint', async () => {
      const hints = await loaded(store);
      hints.add('n2', 1, Buffer.from('a'));
      await hints.idle();
      const [a] = await hints.page('n2', null, 10);
      hints.claim(a!);
      expect(await hints.complete(a!, false)).to.equal(false);
      expect(await storedHints(store)).to.deep.equal(['n2/1/a']);
      expect(hints.stats().pending).to.equal(1);
    });

    it('hints survive a restart, and the counts are rebuilt from the store', async () => {
      const first = await loaded(store, { maxHints: 100, maxHintsPerTarget: 4 });
      for (let i = 0; i < 3; i++) first.add('n2', i, Buffer.from(`k${i}`));
      first.add('n4', 9, Buffer.from('z'));
      await first.idle();
      await store.sync();
      store = await backend.reopen(store);
      const second = await loaded(store, { maxHints: 100, maxHintsPerTarget: 4 });
      expect([...second.stats().perTarget]).to.deep.equal([['n2', 3], ['n4', 1]]);
      expect(second.stats().pending).to.equal(4);
      // the rebuilt counts hold the bounds: one more fits for n2, the next is dropped
      second.add('n2', 10, Buffer.from('more'));
      second.add('n2', 11, Buffer.from('too-many'));
      await second.idle();
      expect(second.count('n2')).to.equal(4);
      expect(second.stats().dropped).to.equal(1);
    });
  });
}
