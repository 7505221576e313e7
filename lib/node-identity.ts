/**
 * A node's stable name and data directory. `node-id` from the config wins; otherwise the id kept
 * in the data directory; otherwise one derived from the RESP address, then persisted there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Config } from './config';

export class IdentityError extends Error {
  readonly code = 'IDENTITY_MISMATCH';
}

/** the data directory cannot be made or written (a file in its place, no permission, ...) */
export class DataDirError extends Error {
  readonly code = 'DATA_DIR';
}

const ID_FILE = 'node-id';

export function deriveNodeId(config: Config): string {
  // 40 hex characters, like a Redis Cluster node id, stable for the same address
  return createHash('sha1').update(`${config.bind[0]}:${config.port}`).digest('hex');
}

export function resolveIdentity(config: Config, cwd: string): { nodeId: string; dir: string } {
  const wanted = config.nodeId ?? (config.dir ? readId(path.resolve(cwd, config.dir)) : null) ?? deriveNodeId(config);
  const dir = path.resolve(cwd, config.dir ?? path.join('data', wanted));
  usable(dir, () => fs.mkdirSync(dir, { recursive: true }));
  const kept = readId(dir);
  if (kept !== null && kept !== wanted) {
    throw new IdentityError(`data directory ${dir} belongs to node '${kept}', not '${wanted}' (node-id)`);
  }
  if (kept === null) usable(dir, () => fs.writeFileSync(path.join(dir, ID_FILE), `${wanted}\n`));
  return { nodeId: wanted, dir };
}

function usable(dir: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'EEXIST' || e.code === 'ENOTDIR' ? 'a file is in the way' : e.message;
    throw new DataDirError(`cannot use data directory ${dir} (dir): ${why}`);
  }
}

function readId(dir: string): string | null {
  try {
    const s = fs.readFileSync(path.join(dir, ID_FILE), 'utf8').trim();
    return s.length > 0 ? s : null;
  } catch {
    return null;
  }
}
