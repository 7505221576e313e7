/**
 * Differential tests of the INCR family: each script runs against a real redis-server 7.0 and a
 * real quorumkv node, each on an empty database; the reply bytes (RESP2 and RESP3) and ioredis's
 * parsed replies must be identical.
 */
import { expect } from 'chai';
import type { Script } from './differential-cases';
import { labelled, runRaw, useServerPair } from './differential-runner';
import { ioClient, runIo } from './client-helpers';

const c = (line: string): string[] => line.split(' ');
const s = (...lines: Array<string | string[]>): Script => lines.map((l) => (typeof l === 'string' ? c(l) : l));

const CASES: ReadonlyArray<{ name: string; script: Script }> = [
  { name: 'INCR DECR INCRBY DECRBY from a missing key', script: s('INCR n', 'INCR n', 'DECR n', 'INCRBY n 10', 'DECRBY n 3', 'GET n', 'INCRBY n -5', 'DECRBY n -5', 'INCRBY n 0', 'GET n', 'DECR m', 'GET m') },
  { name: 'a counter reads as a string', script: s('INCRBY n 123', 'TYPE n', 'STRLEN n', 'GETRANGE n 0 1', 'EXISTS n', 'MGET n x', 'APPEND n 4', 'GET n', 'INCR n', 'TYPE n') },
  {
    name: 'INCR on strings that hold integers and ones that do not',
    script: s('SET k 41', 'INCR k', 'GET k', 'SET k -7', 'DECRBY k 3', 'SET k -0', 'INCR k', 'SET k 01', 'INCR k', ['SET', 'k', ' 1'], 'INCR k', ['SET', 'k', '1 '], 'INCR k',
      'SET k +1', 'INCR k', 'SET k 1.0', 'INCR k', 'SET k abc', 'INCRBY k 1', 'DECR k', 'GET k', ['SET', 'k', ''], 'INCR k', 'SET k 18446744073709551616', 'INCR k'),
  },
  {
    name: 'the int64 edges: overflow in both directions',
    script: s('SET k 9223372036854775807', 'INCR k', 'INCRBY k 0', 'DECR k', 'INCRBY k 1', 'INCRBY k 2', 'GET k', 'SET k -9223372036854775808', 'DECR k', 'DECRBY k 1', 'INCRBY k -1',
      'INCR k', 'SET j 1', 'INCRBY j 9223372036854775807', 'INCRBY j -9223372036854775808', 'DECRBY j 9223372036854775807', 'GET j', 'DECRBY x -9223372036854775808', 'DECRBY x 9223372036854775807', 'DECR x', 'DECR x'),
  },
  {
    name: 'bad increments and arity',
    script: s('INCRBY k abc', 'INCRBY k 1.5', 'INCRBY k 9223372036854775808', 'INCRBY k -9223372036854775809', 'INCRBY k +1', 'INCRBY k 01', ['INCRBY', 'k', ''], 'DECRBY k -9223372036854775808',
      'INCR', 'INCR a b', 'DECR', 'INCRBY k', 'INCRBY k 1 2', 'DECRBY k', 'INCRBYFLOAT k', 'INCRBYFLOAT k 1 2', 'EXISTS k'),
  },
  {
    name: 'INCRBYFLOAT sums as long doubles and prints as Redis does',
    script: s('SET f 10.5', 'INCRBYFLOAT f 0.1', 'INCRBYFLOAT f -5', 'SET g 3.0e3', 'INCRBYFLOAT g 1.0e2', 'INCRBYFLOAT h 5.0e3', 'INCRBYFLOAT q 1.23456789012345678901234', 'INCRBYFLOAT r 1e30',
      'SET i 1', 'INCRBYFLOAT i 1e-20', 'INCRBYFLOAT m 1.5', 'INCRBYFLOAT m -1.5', 'INCRBYFLOAT n -0.0', 'INCRBYFLOAT o 0.1', 'INCRBYFLOAT o 0.2', 'INCRBYFLOAT o 0.3', 'INCRBYFLOAT p -.5', 'INCRBYFLOAT p 5.',
      'INCRBYFLOAT t 3.14159265358979323846264338327950288', 'INCRBYFLOAT u 1E+2', 'INCRBYFLOAT u +7', 'INCRBYFLOAT v 1e-300', 'INCRBYFLOAT w 123456789012345678901234567890.5'),
  },
  {
    // a NUL byte anywhere is not a float, in the stored value or the increment (7.0's string2ld)
    name: 'INCRBYFLOAT with NUL bytes',
    script: s('SETRANGE a 2 Z', 'INCRBYFLOAT a 0.5', 'GET a', ['SET', 'b', '1\0'], 'INCRBYFLOAT b 1', ['SET', 'c', '\0'], 'INCRBYFLOAT c 1',
      ['INCRBYFLOAT', 'd', '1\0'], 'EXISTS d', ['INCRBYFLOAT', 'd', '\u00001']),
  },
  {
    name: 'INCRBYFLOAT at the edges: huge values, infinity, hex, bad floats',
    script: s('INCRBYFLOAT h 1e308', 'INCRBYFLOAT h 1e308', 'INCRBYFLOAT z 1e4000', 'INCRBYFLOAT z 1e4932', 'INCRBYFLOAT y 1e5000', 'INCRBYFLOAT y 1e-5000', 'INCRBYFLOAT y 1e-4940',
      'SET j 0x10', 'INCRBYFLOAT j 1', 'INCRBYFLOAT j 0x1.8p1', 'INCRBYFLOAT k inf', 'INCRBYFLOAT k -Infinity', 'INCRBYFLOAT k nan', ['INCRBYFLOAT', 'k', ' 1'], ['INCRBYFLOAT', 'k', '1 '],
      'INCRBYFLOAT k abc', ['INCRBYFLOAT', 'k', ''], 'INCRBYFLOAT k 1e', 'INCRBYFLOAT k 1.2.3', 'SET s hello', 'INCRBYFLOAT s 1', 'SET s inf', 'INCRBYFLOAT s 1', 'SET s 1e400', 'INCRBYFLOAT s 1', 'EXISTS k'),
  },
  {
    name: 'INCRBYFLOAT on a counter, INCR on a float',
    script: s('INCRBY c 5', 'INCRBYFLOAT c 1.5', 'GET c', 'INCR c', 'INCRBYFLOAT c -0.5', 'INCR c', 'GET c', 'INCRBY d 9223372036854775807', 'INCRBYFLOAT d 1', 'INCRBYFLOAT e 2', 'INCR e'),
  },
  {
    name: 'INCR keeps the TTL; EXPIRE, PERSIST, DEL and SET work on counters',
    script: s('SET k 5 EX 100', 'INCR k', 'TTL k', 'INCRBYFLOAT k 1', 'TTL k', 'INCR n', 'EXPIRE n 200', 'INCR n', 'TTL n', 'GET n', 'PERSIST n', 'TTL n', 'INCR n', 'TTL n',
      'PEXPIRE n 0', 'EXISTS n', 'INCR n', 'DEL n', 'GET n', 'INCR n', 'SET n hello', 'INCR n', 'GET n', 'SET n 7', 'INCR n', 'GETDEL n', 'INCR n', 'GETSET n 40', 'INCR n', 'GETEX n EX 50', 'TTL n', 'INCR n', 'TTL n'),
  },
];

describe('differential: the INCR family answers as redis-server 7.0 does', function () {
  this.timeout(30000);
  const { both } = useServerPair();

  for (const tc of CASES) {
    describe(tc.name, () => {
      for (const resp3 of [false, true]) {
        it(`gives the same ${resp3 ? 'RESP3' : 'RESP2'} reply bytes`, async () => {
          const { ours, theirs } = await both((p) => runRaw(p, tc.script, resp3));
          expect(labelled(tc.script, ours)).to.deep.equal(labelled(tc.script, theirs));
        });
      }
      it('gives the same replies through ioredis', async () => {
        const { ours, theirs } = await both(async (p) => {
          const client = ioClient(p);
          try {
            return await runIo(client, tc.script);
          } finally {
            client.disconnect();
          }
        });
        expect(labelled(tc.script, ours)).to.deep.equal(labelled(tc.script, theirs));
      });
    });
  }
});
