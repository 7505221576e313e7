/**
 * CONFIG GET: the directives whose Redis-form name matches a glob pattern (case-insensitive, as
 * Redis), in table order, with values printed as Redis prints them. cluster-secret always shows
 * as '' so it never leaves the node; requirepass shows, as in Redis.
 */
import { DIRECTIVES } from './directives';
import { stringMatch } from '../util/glob';
import type { Config } from './types';

export function configGet(config: Config, pattern: string): Array<[string, string]> {
  return DIRECTIVES
    .filter((d) => stringMatch(pattern, d.name, true))
    .map((d): [string, string] => [d.name, d.render(config)]);
}

/** every directive name, in table order (for CONFIG GET *, docs, completion) */
export function directiveNames(): string[] {
  return DIRECTIVES.map((d) => d.name);
}
