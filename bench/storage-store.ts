/**
 * LevelStore throughput: `npx tsx bench/storage-store.ts [seconds-per-case]`.
 *   writes/s: 100-byte values, 50 concurrent writers each awaiting its write (tick grouping), for
 *             durability no / everysec (sync() every second, as node.ts does) / always, and for
 *             both tick schedulers, with writers woken by the write's promise or, like socket
 *             handlers, each in its own macrotask (setImmediate) after it;
 *   gets/s:   existing keys, 50 concurrent readers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TickScheduler } from '../lib/storage/abstract-store';
import { LevelStore } from '../lib/storage/level-store';
import type { Durability } from '../lib/storage/store';

const WRITERS = 50;
const VALUE = Buffer.alloc(100, 0x61);
const seconds = Number(process.argv[2] ?? '3');
const root = mkdtempSync(join(tmpdir(), 'quorumkv-bench-'));

const keyOf = (writer: number, i: number): Buffer => Buffer.from(`key:${writer}:${i}`);

interface Result {
  readonly name: string;
  readonly perSecond: number;
  readonly detail: string;
}

type Wakeup = 'promise' | 'macrotask';

async function benchWrites(durability: Durability, tick: TickScheduler, wakeup: Wakeup): Promise<Result> {
  const store = new LevelStore({ dir: mkdtempSync(join(root, 'w-')), durability, tick });
  await store.open();
  const timer = durability === 'everysec' ? setInterval(() => void store.sync(), 1000) : null;
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  const writer = async (w: number): Promise<void> => {
    for (let i = 0; Date.now() < deadline; i++) {
      await store.write([{ type: 'put', key: keyOf(w, i), value: VALUE }]);
      done++;
      if (wakeup === 'macrotask') await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  if (timer !== null) clearInterval(timer);
  const { batches, ops } = store.batchStats;
  await store.close();
  return {
    name: `write durability=${durability} tick=${tick} wake=${wakeup}`,
    perSecond: done / elapsed,
    detail: `${batches} batches, ${(ops / batches).toFixed(1)} ops/batch`,
  };
}

async function benchGets(): Promise<Result> {
  const keys = 100_000;
  const store = new LevelStore({ dir: mkdtempSync(join(root, 'r-')), durability: 'no' });
  await store.open();
  for (let i = 0; i < keys; i += 1000) {
    const ops = Array.from({ length: 1000 }, (_, j) => ({ type: 'put' as const, key: keyOf(0, i + j), value: VALUE }));
    await store.write(ops);
  }
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  let misses = 0;
  const reader = async (r: number): Promise<void> => {
    for (let i = r * 7919; Date.now() < deadline; i += 104_729) {
      if ((await store.get(keyOf(0, i % keys))) === undefined) misses++;
      done++;
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: WRITERS }, (_, r) => reader(r)));
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  await store.close();
  if (misses > 0) throw new Error(`${misses} gets missed existing keys`);
  return { name: `get existing key (${keys} keys, ${WRITERS} readers)`, perSecond: done / elapsed, detail: '' };
}

async function main(): Promise<void> {
  const results: Result[] = [];
  for (const durability of ['no', 'everysec', 'always'] as const) {
    for (const wakeup of ['promise', 'macrotask'] as const) {
      for (const tick of ['immediate', 'microtask'] as const) results.push(await benchWrites(durability, tick, wakeup));
    }
  }
  results.push(await benchGets());
  for (const r of results) {
    process.stdout.write(`${r.name.padEnd(60)} ${Math.round(r.perSecond).toString().padStart(9)} /s  ${r.detail}\n`);
  }
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(() => rmSync(root, { recursive: true, force: true }));
