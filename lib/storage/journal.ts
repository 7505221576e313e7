/**
 * A write-ahead journal in front of the device: every tick's batch is appended with one
 * synchronous write (and, for `fsync always`, one fdatasync) before the writes are acknowledged,
 * so acknowledging no longer waits for LevelDB's thread pool. LevelDB applies the batch in the
 * background; a journal file is deleted only once every batch in it is applied and LevelDB has
 * synced. On open, whatever is left is replayed in order (a replayed put or del is idempotent, and
 * the journal holds every write LevelDB might lack).
 *
 * File: `journal-<seq>.log`, a sequence of entries `[u32 length][u32 crc32][body]`, body =
 * `[u32 nops]` then per op `[u8 type (1 put, 2 del)][u32 klen][key][u32 vlen][value]`. A torn or
 * corrupt entry ends its file (nothing after it was acknowledged past a crash of the machine).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { BatchOp } from './store';

const HEADER = 8;
const MAX_ENTRY = 1024 * 1024 * 1024;

interface JournalFile {
  readonly seq: number;
  readonly file: string;
  /** batches appended to it and not yet applied to the device */
  pending: number;
  retired: boolean;
}

export interface JournalOptions {
  readonly dir: string;
  /** rotate to a new file past this size */
  readonly maxFileBytes?: number;
}

export class Journal {
  private readonly dir: string;
  private readonly maxFileBytes: number;
  private active: JournalFile | null = null;
  private fd = -1;
  private size = 0;
  private readonly files = new Map<number, JournalFile>();
  private nextSeq = 1;

  constructor(opts: JournalOptions) {
    this.dir = opts.dir;
    this.maxFileBytes = opts.maxFileBytes ?? 64 * 1024 * 1024;
  }

  /** journal files left by an earlier run, oldest first */
  leftovers(): string[] {
    fs.mkdirSync(this.dir, { recursive: true });
    const seqs = fs
      .readdirSync(this.dir)
      .map((f) => /^journal-(\d+)\.log$/.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    if (seqs.length > 0) this.nextSeq = seqs[seqs.length - 1] + 1;
    return seqs.map((s) => this.pathOf(s));
  }

  /** the batches of a journal file, in order; stops at a torn or corrupt entry */
  static *read(file: string): Generator<BatchOp[]> {
    const buf = fs.readFileSync(file);
    let at = 0;
    while (at + HEADER <= buf.length) {
      const len = buf.readUInt32LE(at);
      const crc = buf.readUInt32LE(at + 4);
      if (len > MAX_ENTRY || at + HEADER + len > buf.length) return;
      const body = buf.subarray(at + HEADER, at + HEADER + len);
      if (zlib.crc32(body) !== crc) return;
      const ops = decodeBody(body);
      if (ops === null) return;
      yield ops;
      at += HEADER + len;
    }
  }

  removeFiles(files: readonly string[]): void {
    for (const f of files) fs.rmSync(f, { force: true });
  }

  /** start a fresh active file (after recovery) */
  start(): void {
    this.rotate();
  }

  /** append one batch synchronously; returns the sequence number of the file it went to */
  append(ops: readonly BatchOp[]): number {
    if (this.active === null || this.size >= this.maxFileBytes) this.rotate();
    const entry = encodeEntry(ops);
    let off = 0;
    while (off < entry.length) off += fs.writeSync(this.fd, entry, off, entry.length - off);
    this.size += entry.length;
    const f = this.active!;
    f.pending++;
    return f.seq;
  }

  /** put what was appended on disk, blocking (group commit for `fsync always`) */
  syncNow(): void {
    if (this.fd >= 0) fs.fdatasyncSync(this.fd);
  }

  /** put what was appended on disk, without blocking the event loop */
  sync(): Promise<void> {
    const fd = this.fd;
    if (fd < 0) return Promise.resolve();
    return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
  }

  /** a batch appended to file `seq` is applied to the device; returns files now fully applied */
  applied(seq: number): string[] {
    const f = this.files.get(seq);
    if (f) f.pending--;
    return this.collectable();
  }

  /** retired files whose every batch is applied (delete them once the device has synced) */
  private collectable(): string[] {
    const out: string[] = [];
    for (const f of this.files.values()) {
      if (f.retired && f.pending === 0) {
        this.files.delete(f.seq);
        out.push(f.file);
      }
    }
    return out;
  }

  /** after a clean drain and device sync: drop every file */
  closeAndRemoveAll(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
    for (const f of this.files.values()) fs.rmSync(f.file, { force: true });
    this.files.clear();
    this.active = null;
  }

  private rotate(): void {
    if (this.active) {
      this.active.retired = true;
      fs.closeSync(this.fd);
    }
    const seq = this.nextSeq++;
    const file = this.pathOf(seq);
    fs.mkdirSync(this.dir, { recursive: true });
    this.fd = fs.openSync(file, 'a');
    this.size = 0;
    this.active = { seq, file, pending: 0, retired: false };
    this.files.set(seq, this.active);
  }

  private pathOf(seq: number): string {
    return path.join(this.dir, `journal-${String(seq).padStart(10, '0')}.log`);
  }
}

function encodeEntry(ops: readonly BatchOp[]): Buffer {
  let len = 4;
  for (const op of ops) len += 1 + 4 + op.key.length + 4 + (op.type === 'put' ? op.value.length : 0);
  const out = Buffer.allocUnsafe(HEADER + len);
  let at = HEADER;
  at = out.writeUInt32LE(ops.length, at);
  for (const op of ops) {
    out[at++] = op.type === 'put' ? 1 : 2;
    at = out.writeUInt32LE(op.key.length, at);
    at += op.key.copy(out, at);
    if (op.type === 'put') {
      at = out.writeUInt32LE(op.value.length, at);
      at += op.value.copy(out, at);
    } else {
      at = out.writeUInt32LE(0, at);
    }
  }
  out.writeUInt32LE(len, 0);
  out.writeUInt32LE(zlib.crc32(out.subarray(HEADER)), 4);
  return out;
}

function decodeBody(body: Buffer): BatchOp[] | null {
  if (body.length < 4) return null;
  const n = body.readUInt32LE(0);
  const ops: BatchOp[] = [];
  let at = 4;
  for (let i = 0; i < n; i++) {
    if (at + 5 > body.length) return null;
    const type = body[at++];
    const klen = body.readUInt32LE(at);
    at += 4;
    if (at + klen + 4 > body.length) return null;
    const key = Buffer.from(body.subarray(at, at + klen));
    at += klen;
    const vlen = body.readUInt32LE(at);
    at += 4;
    if (at + vlen > body.length) return null;
    if (type === 1) ops.push({ type: 'put', key, value: Buffer.from(body.subarray(at, at + vlen)) });
    else if (type === 2) ops.push({ type: 'del', key });
    else return null;
    at += vlen;
  }
  return at === body.length ? ops : null;
}
