/**
 * CONFIG GET: the directives whose Redis-form name matches a glob pattern (case-insensitive, as
 * Redis), in table order, with values printed as Redis prints them. cluster-secret always shows
 * as '' so it never leaves the node; requirepass shows, as in Redis.
 */
import { DIRECTIVES } from './directives';
import { stringMatch } from '../util/glob';
import type { Config } from './types';

/**
 * Redis parameters that Redis tools read and that are not directives here, with what they mean
 * for this node: redis-benchmark asks for `save` and `appendonly` before it starts and prints
 * "WARNING: Could not fetch server CONFIG" without them. Answered only when asked for by exact
 * name, so `CONFIG GET *` stays the list of directives (each parses back as one).
 */
const REDIS_PARAMETERS: ReadonlyArray<readonly [string, (c: Config) => string]> = [
  ['save', () => ''], // no RDB snapshots: the data lives in LevelDB
  ['appendonly', () => 'no'], // no AOF: see fsync
  ['appendfsync', (c) => (c.fsync === 'coordinator' ? 'everysec' : c.fsync)], // replicas' syncing under coordinator
  ['databases', () => '1'],
  ['maxmemory', () => '0'],
  ['maxmemory-policy', () => 'noeviction'],
];

export function configGet(config: Config, pattern: string): Array<[string, string]> {
  const found = DIRECTIVES
    .filter((d) => stringMatch(pattern, d.name, true))
    .map((d): [string, string] => [d.name, d.render(config)]);
  const name = pattern.toLowerCase();
  const extra = REDIS_PARAMETERS.find(([n]) => n === name);
  if (extra !== undefined) found.push([extra[0], extra[1](config)]);
  return found;
}

/** every directive name, in table order (for CONFIG GET *, docs, completion) */
export function directiveNames(): string[] {
  return DIRECTIVES.map((d) => d.name);
}
