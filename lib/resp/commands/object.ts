/**
 * OBJECT ENCODING / REFCOUNT / FREQ / IDLETIME (and HELP, from the table), as Redis 7 answers for
 * a string. quorumkv stores bytes, not Redis objects, so the encoding is the one Redis gives such
 * a value when it is SET: "int" for an integer of at most 20 characters, "embstr" up to 44 bytes,
 * "raw" beyond (a value Redis built with APPEND or SETRANGE would be "raw" there at any length).
 * REFCOUNT follows: Redis shares the integers 0..9999 (refcount 2147483647). No access time or
 * frequency is kept, so FREQ answers Redis's error for a server without an LFU policy, and
 * IDLETIME an error that says so.
 */
import { cmd, type CommandDef } from '../command-table';
import type { CommandContext } from '../context';
import type { Reply } from '../reply';
import { CommandError } from '../errors';
import { string2ll } from '../string2ll';
import { lookupRead } from './values';

const SHARED_INTEGERS = 10_000;
const SHARED_REFCOUNT = 2147483647;
const EMBSTR_LIMIT = 44;

type Encoding = 'int' | 'embstr' | 'raw';

function encodingOf(v: Buffer): { encoding: Encoding; shared: boolean } {
  if (v.length <= 20) {
    const n = string2ll(v, 0, v.length);
    if (!Number.isNaN(n)) return { encoding: 'int', shared: n >= 0 && n < SHARED_INTEGERS };
  }
  return { encoding: v.length <= EMBSTR_LIMIT ? 'embstr' : 'raw', shared: false };
}

async function valueOf(ctx: CommandContext, key: Buffer): Promise<Buffer | null> {
  return (await lookupRead(ctx, key)).value;
}

const objectSubcommands: CommandDef[] = [
  cmd('encoding', 3, ['readonly'], 'generic', 'Inspect the internal encoding of a Redis object', async (ctx, a): Promise<Reply> => {
    const v = await valueOf(ctx, a[2]);
    return v === null ? null : encodingOf(v).encoding;
  }, { first: 2, last: 2, step: 1 }),
  cmd('refcount', 3, ['readonly'], 'generic', 'Get the number of references to the value of the key', async (ctx, a): Promise<Reply> => {
    const v = await valueOf(ctx, a[2]);
    return v === null ? null : encodingOf(v).shared ? SHARED_REFCOUNT : 1;
  }, { first: 2, last: 2, step: 1 }),
  cmd('freq', 3, ['readonly'], 'generic', 'Get the logarithmic access frequency counter of a Redis object', async (ctx, a): Promise<Reply> => {
    if ((await valueOf(ctx, a[2])) === null) return null;
    throw new CommandError('ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.');
  }, { first: 2, last: 2, step: 1 }),
  cmd('idletime', 3, ['readonly'], 'generic', 'Get the time since a Redis object was last accessed (not tracked here)', async (ctx, a): Promise<Reply> => {
    if ((await valueOf(ctx, a[2])) === null) return null;
    throw new CommandError('ERR idle time is not tracked: quorumkv keeps no access times');
  }, { first: 2, last: 2, step: 1 }),
];

export const objectCommands: CommandDef[] = [
  { name: 'object', arity: -2, flags: [], group: 'generic', summary: 'A container for object introspection commands', subcommands: objectSubcommands },
];
