/**
 * The name a node signs its new versions with (its version actor), which changes after the node
 * may have lost writes it had already acknowledged or sent to other replicas.
 *
 * A coordinator gives a new version the dot (actor, counter) with the counter one past the highest
 * it sees for itself in its own copy of the record. Under `fsync everysec` (or `no`, or the copies
 * of `coordinator`) the last second of writes is on disk only once synced: an operating-system
 * crash or power loss takes it away. A dot of such a lost write may already live on other
 * replicas, and the restarted node would give the same dot to a different write; replicas that
 * then meet two versions with one dot keep only one of them (versioning/sibling.ts pickSameDot), so
 * an acknowledged write could vanish. After such a start the node therefore signs with a new actor,
 * `<node-id>@<epoch>`, whose dots nobody has seen (Riak's vnode epochs do the same).
 *
 * A process that merely died (kill -9, a crash of the node) loses nothing it acknowledged: what it
 * wrote is in the journal or LevelDB's log, in the kernel's page cache, which survives the process.
 * So the epoch moves only when the node did not shut down cleanly AND the machine rebooted since
 * (the kernel's boot id changed), or when the boot id cannot be read. A node id is a name of
 * letters, digits and `._-`, so an actor with `@` is never some other node's id.
 */
import fs from 'node:fs';
import path from 'node:path';

const STATE_FILE = 'epoch';
const CLEAN_FILE = 'clean-shutdown';
const BOOT_ID_FILE = '/proc/sys/kernel/random/boot_id';

export interface EpochState {
  readonly epoch: number;
  /** the kernel boot id when the node last started; null when it could not be read */
  readonly bootId: string | null;
}

export class EpochError extends Error {
  readonly code = 'EPOCH_STATE_INVALID';
}

/**
 * The epoch to start in. `prev`: the state the last start kept (null: a data directory that never
 * had one, i.e. a new node); `clean`: the last run stopped cleanly (everything it wrote synced).
 */
export function nextEpoch(prev: EpochState | null, clean: boolean, bootId: string | null): number {
  if (prev === null) return 0;
  if (clean) return prev.epoch;
  if (bootId !== null && prev.bootId === bootId) return prev.epoch;
  return prev.epoch + 1;
}

/** the actor a node in `epoch` signs with; epoch 0 is the node id itself */
export function versionActor(nodeId: string, epoch: number): string {
  return epoch === 0 ? nodeId : `${nodeId}@${epoch}`;
}

export function readBootId(): string | null {
  try {
    const id = fs.readFileSync(BOOT_ID_FILE, 'utf8').trim();
    return id.length > 0 ? id : null;
  } catch {
    return null;
  }
}

/**
 * At start, before the store takes any write: decides the epoch and keeps it (synced to disk),
 * then forgets the clean-shutdown mark, so that a crash from now on counts as unclean.
 */
export function beginEpoch(dir: string, bootId: string | null = readBootId()): EpochState {
  const prev = readState(dir);
  const clean = fs.existsSync(path.join(dir, CLEAN_FILE));
  const state: EpochState = { epoch: nextEpoch(prev, clean, bootId), bootId };
  writeDurably(dir, STATE_FILE, `${JSON.stringify(state)}\n`);
  if (clean) {
    fs.rmSync(path.join(dir, CLEAN_FILE), { force: true });
    syncDir(dir);
  }
  return state;
}

/** after the store closed: everything the node wrote is on disk, so a reboot now loses nothing */
export function markCleanShutdown(dir: string): void {
  writeDurably(dir, CLEAN_FILE, '');
}

function readState(dir: string): EpochState | null {
  const file = path.join(dir, STATE_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  const s = parsed as { epoch?: unknown; bootId?: unknown } | null;
  if (
    s === null || typeof s !== 'object' || !Number.isSafeInteger(s.epoch) || (s.epoch as number) < 0 ||
    (s.bootId !== null && typeof s.bootId !== 'string')
  ) {
    // guessing an epoch could reuse one: refuse, and say where
    throw new EpochError(`${file} is not a valid epoch state (expected {"epoch":N,"bootId":...}); restore it or remove the node's data directory`);
  }
  return { epoch: s.epoch as number, bootId: s.bootId as string | null };
}

/** write, fsync, rename over, fsync the directory: the file is either old or new after a crash */
function writeDurably(dir: string, name: string, text: string): void {
  const tmp = path.join(dir, `${name}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path.join(dir, name));
  syncDir(dir);
}

function syncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
