/**
 * LevelDB point-read cost against its block cache size: `npx tsx bench/leveldb-point-read.ts`.
 * 1,000,000 records of 230 bytes (half of each compressible, like a record with a 100-byte value)
 * are written and compacted, then 200,000 random getSync calls are timed, three passes per cache
 * size. The files stay in the OS page cache, as on a node with memory to spare: this measures
 * what the block cache saves over reading a block from the page cache (lib/node.ts sizes it).
 */
import { Level } from 'level';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

const RECORDS = 1_000_000;
const READS = 200_000;
const key = (i: number): Buffer => Buffer.from(`d\x00\x12key:${String(i).padStart(12, '0')}`);

async function run(cacheSize: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'qkv-point-read-'));
  const db = new Level<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer', cacheSize, writeBufferSize: 16 << 20 });
  await db.open();
  const value = Buffer.alloc(230, 97);
  randomBytes(100).copy(value, 100);
  for (let i = 0; i < RECORDS; i += 10_000) {
    const ops = [];
    for (let j = i; j < i + 10_000; j++) {
      const v = Buffer.from(value);
      v.writeUInt32BE(j, 0);
      ops.push({ type: 'put' as const, key: key(j), value: v });
    }
    await db.batch(ops);
  }
  // classic-level has compactRange; level's types do not list it
  await (db as unknown as { compactRange(start: Buffer, end: Buffer): Promise<void> }).compactRange(key(0), key(RECORDS));
  const keys = Array.from({ length: READS }, () => key(Math.floor(Math.random() * RECORDS)));
  const passes: string[] = [];
  for (let pass = 0; pass < 3; pass++) {
    const t = process.hrtime.bigint();
    for (const k of keys) db.getSync(k);
    passes.push((Number(process.hrtime.bigint() - t) / 1000 / READS).toFixed(2));
  }
  console.log(`block cache ${cacheSize >> 20} MiB: ${passes.join(' / ')} us per read`);
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}

void (async () => {
  for (const mib of [8, 16, 56, 512]) await run(mib << 20);
})();
