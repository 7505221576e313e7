/**
 * Command scripts whose every reply must be byte-for-byte what redis-server 7.0 answers. Each
 * script runs on an empty database. Only deterministic answers belong here; answers that rightly
 * differ (INFO, CLIENT LIST, HELLO, COMMAND, SCAN cursors, TIME, ...) are compared by shape in
 * differential-shapes.test.ts.
 */
export type Arg = string | Buffer;
export type Script = Arg[][];

export interface DiffCase {
  readonly name: string;
  readonly script: Script;
  /** also run through ioredis and redis-cli (false for QUIT, which both handle themselves) */
  readonly clients?: boolean;
}

/** 'SET k v EX 10' → ['SET', 'k', 'v', 'EX', '10'] (no quoting; use arrays for spaces) */
const c = (line: string): Arg[] => line.split(' ');
const s = (...lines: Array<string | Arg[]>): Script => lines.map((l) => (typeof l === 'string' ? c(l) : l));

const BIN_KEY = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x41, 0x00]);
const BIN_VAL = Buffer.from([0xff, 0x00, 0x0d, 0x0a, 0x24, 0x2a, 0x00, 0x80]);
const FAR = '4102444800'; // 2100-01-01, seconds

export const DIFF_CASES: readonly DiffCase[] = [
  // --- connection ---
  { name: 'PING with and without a message, arity', script: s('PING', 'PING hello', 'PING a b', 'ping', 'PiNg x') },
  { name: 'ECHO and its arity', script: s('ECHO hi', 'ECHO', 'ECHO a b', ['ECHO', '']) },
  { name: 'SELECT 0 and bad indexes', script: s('SELECT 0', 'SELECT x', 'SELECT -1', 'SELECT 16', 'SELECT', 'SELECT 1.5', 'SELECT 99999999999', 'SELECT 99999999999999999999') },
  { name: 'RESET: name, protocol and QUORUM back to a new connection\'s', script: s('CLIENT SETNAME app', 'RESET', 'CLIENT GETNAME', 'RESET x', 'PING') },
  { name: 'AUTH without a configured password', script: s('AUTH x', 'AUTH default x', 'AUTH bob x', 'AUTH a b c', 'AUTH') },
  { name: 'HELLO errors', script: s('HELLO 4', 'HELLO 1', 'HELLO x', 'HELLO 2 FOO', 'HELLO 2 AUTH', 'HELLO 2 SETNAME', 'HELLO 2 AUTH bob x') },
  {
    name: 'CLIENT SETNAME/GETNAME and errors',
    script: s('CLIENT GETNAME', 'CLIENT SETNAME foo', 'CLIENT GETNAME', ['CLIENT', 'SETNAME', 'a b'], ['CLIENT', 'SETNAME', 'a\nb'],
      'CLIENT GETNAME', ['CLIENT', 'SETNAME', ''], 'CLIENT GETNAME', 'CLIENT SETNAME', 'CLIENT SETNAME a b', 'CLIENT FOO', 'CLIENT', 'CLIENT GETNAME x', 'CLIENT ID x', 'CLIENT INFO x'),
  },
  { name: 'COMMAND INFO of unknown commands, arity errors', script: s('COMMAND INFO nosuchcmd', 'COMMAND COUNT x', 'COMMAND FOO', 'COMMAND DOCS nosuchcmd') },
  // COMMAND GETKEYS takes a command and at least one argument (arity -4 in 7.0)
  { name: 'COMMAND GETKEYS', script: s('COMMAND GETKEYS ping', 'COMMAND GETKEYS get', 'COMMAND GETKEYS get a', 'COMMAND GETKEYS get a b', 'COMMAND GETKEYS nosuch a', 'COMMAND GETKEYS mset a 1 b 2', 'COMMAND GETKEYS ping x') },
  { name: 'CONFIG GET of settings that agree, unknown ones, arity', script: s('CONFIG GET timeout', 'CONFIG GET maxclients', 'CONFIG GET nosuchsetting', 'CONFIG GET', 'CONFIG', 'CONFIG FOO', 'CONFIG GET proto-max-bulk-len') },
  { name: 'DBSIZE counts keys', script: s('DBSIZE', 'SET a 1', 'SET b 2', 'DBSIZE', 'DEL a', 'DBSIZE', 'DBSIZE x') },
  { name: 'TIME and INFO arity', script: s('TIME x') },
  { name: 'unknown commands and their argument list', script: [c('FOO'), c('FOO bar baz'), ['FOO', 'x'.repeat(200)], ['NOSUCH', 'a b', 'c'], c('GETT k'), [''], ['x'.repeat(300)]] },
  // --- strings ---
  { name: 'GET and SET basics, case-insensitive names', script: s('GET k', 'SET k v', 'GET k', 'get k', 'SET k w', 'GET k', 'GET', 'GET a b', 'SET k', 'SET') },
  { name: 'SET NX and XX', script: s('SET k v XX', 'GET k', 'SET k v NX', 'SET k w NX', 'GET k', 'SET k w XX', 'GET k', 'SET k x nx', 'SET k x xx') },
  {
    name: 'SET option conflicts and bad expiry values',
    script: s('SET k v NX XX', 'SET k v XX NX', 'SET k v EX 10 PX 10', 'SET k v PX 10 EX 10', 'SET k v EX 10 KEEPTTL', 'SET k v KEEPTTL EX 10',
      'SET k v EX', 'SET k v PX', 'SET k v EX 0', 'SET k v EX -1', 'SET k v PX 0', 'SET k v EX abc', 'SET k v EX 1.5', 'SET k v EXAT 0', 'SET k v PXAT -5',
      'SET k v EX 9999999999999999', 'SET k v PX 9223372036854775807', 'SET k v EX 9223372036854775807', 'SET k v FOO', 'SET k v NX NX', 'SET k v GET GET',
      'SET k v EX 10 EX 10', 'SET k v KEEPTTL KEEPTTL', 'SET k v EX 0 EX 100', 'TTL k', 'SET k v EX 100 EX 0', 'SET k v PX 5 PX 200000', 'TTL k',
      'SET k v EX abc NX XX', 'SET k v NX XX NX', 'SET k v XX GET XX', 'EXISTS k'),
  },
  {
    name: 'SET EX/PX/EXAT/PXAT set a TTL, plain SET clears it, KEEPTTL keeps it',
    script: s('SET k v EX 100', 'TTL k', 'SET k v', 'TTL k', 'SET k v PX 100000', 'TTL k', 'SET k v2 KEEPTTL', 'TTL k', 'GET k',
      `SET k v EXAT ${FAR}`, 'EXISTS k', `SET k v PXAT ${FAR}000`, 'EXISTS k', 'SET k v ex 100', 'TTL k', 'SET k v keepttl', 'TTL k', 'SET k v KEEPTTL XX', 'TTL k'),
  },
  { name: 'SET GET returns the old value, with NX and XX', script: s('SET k v GET', 'SET k w GET', 'GET k', 'SET k x NX GET', 'GET k', 'SET m x XX GET', 'GET m', 'SET k y XX GET', 'GET k', 'SET k z GET EX 100', 'TTL k') },
  { name: 'SETNX', script: s('SETNX k v', 'SETNX k w', 'GET k', 'SETNX k', 'SETNX k v w') },
  {
    name: 'SETEX and PSETEX',
    script: s('SETEX k 100 v', 'TTL k', 'GET k', 'SETEX k 0 v', 'SETEX k -1 v', 'SETEX k x v', 'SETEX k 100', 'PSETEX k 100000 v', 'TTL k', 'PSETEX k 0 v', 'PSETEX k abc v',
      'PSETEX k', 'SETEX k 9999999999999999 v'),
  },
  { name: 'GETSET returns the old value and clears the TTL', script: s('GETSET k v', 'GETSET k w', 'GET k', 'SET k v EX 100', 'GETSET k x', 'TTL k', 'GETSET k') },
  { name: 'GETDEL', script: s('GETDEL k', 'SET k v', 'GETDEL k', 'GET k', 'EXISTS k', 'GETDEL', 'GETDEL a b') },
  {
    name: 'GETEX options and conflicts',
    script: s('GETEX k', 'GETEX k EX 10', 'SET k v', 'GETEX k', 'TTL k', 'GETEX k EX 100', 'TTL k', 'GETEX k PERSIST', 'TTL k', 'GETEX k PX 100000', 'TTL k',
      `GETEX k EXAT ${FAR}`, 'EXISTS k', `GETEX k PXAT ${FAR}000`, 'GETEX k EX 10 PX 10', 'GETEX k EX 10 PERSIST', 'GETEX k PERSIST EX 10', 'GETEX k EX', 'GETEX k EX 0',
      'GETEX k PX -1', 'GETEX k EX abc', 'GETEX k FOO', 'GETEX k PERSIST PERSIST', 'GETEX k EX 0 EX 100', 'TTL k', 'GETEX k PX 1 PX 200000', 'TTL k', 'GETEX k EX abc PERSIST', 'GETEX', 'GET k'),
  },
  // Redis 7 looks the key up before it checks the expiry value: a missing key answers nil
  { name: 'GETEX of a missing key with a bad expiry', script: s('GETEX k EX 0', 'GETEX k EX abc', 'GETEX k PX -1', 'GETEX k EXAT 0', 'GETEX k EX 10 PX 10', 'GETEX k FOO') },
  { name: 'GETEX with a time in the past deletes the key', script: s('SET k v', 'GETEX k EXAT 1', 'EXISTS k', 'SET k v', 'GETEX k PXAT 1', 'GET k') },
  { name: 'MGET and MSET', script: s('MSET a 1 b 2', 'MGET a b c', 'MGET c', 'MSET a', 'MSET a 1 b', 'MSET', 'MGET', 'MSET a x a y', 'GET a') },
  { name: 'MSETNX', script: s('MSETNX a 1 b 2', 'MGET a b', 'MSETNX b 3 c 4', 'MGET a b c', 'MSETNX a', 'MSETNX a 1 b', 'MSETNX x 1 x 2', 'GET x') },
  { name: 'APPEND and STRLEN', script: s('APPEND k ab', 'APPEND k cd', 'GET k', 'STRLEN k', 'STRLEN nokey', ['APPEND', 'k', ''], 'STRLEN k', 'APPEND k', 'STRLEN', 'SET t v EX 100', 'APPEND t w', 'TTL t') },
  {
    name: 'GETRANGE',
    script: s('GETRANGE nokey 0 -1', 'SET k Hello,World', 'GETRANGE k 0 4', 'GETRANGE k -5 -1', 'GETRANGE k 0 -1', 'GETRANGE k 5 2', 'GETRANGE k -1 -5', 'GETRANGE k 100 200',
      'GETRANGE k -100 3', 'GETRANGE k 3 -100', 'GETRANGE k -100 -100', 'GETRANGE k 0 0', 'GETRANGE k 10 10', 'GETRANGE k 11 11', 'GETRANGE k x 1', 'GETRANGE k 0 1.0', 'GETRANGE k 0',
      'GETRANGE k 0 9223372036854775807', 'GETRANGE k -9223372036854775808 1'),
  },
  {
    name: 'SETRANGE',
    script: s('SETRANGE k 0 abc', 'GET k', 'SETRANGE k 5 xy', 'GET k', 'STRLEN k', 'SETRANGE k 1 Z', 'GET k', 'SETRANGE k -1 a', 'SETRANGE nokey 3', ['SETRANGE', 'nokey', '3', ''],
      'EXISTS nokey', ['SETRANGE', 'k', '100', ''], 'STRLEN k', 'SETRANGE k 536870912 x', 'SETRANGE k 9223372036854775807 x', 'SETRANGE k 9223372036854775808 x', 'SETRANGE k 536870912', 'SETRANGE k x a'),
  },
  // --- keys ---
  { name: 'DEL and UNLINK count deleted keys', script: s('DEL a', 'MSET a 1 b 2 c 3', 'DEL a b x', 'DEL a a c', 'UNLINK c', 'SET d 1', 'UNLINK d d', 'EXISTS a b c d', 'DEL', 'UNLINK') },
  { name: 'EXISTS counts repeats', script: s('EXISTS a', 'SET a 1', 'EXISTS a a a', 'EXISTS a b', 'EXISTS') },
  { name: 'TYPE', script: s('TYPE k', 'SET k v', 'TYPE k', 'TYPE', 'TYPE a b') },
  {
    name: 'EXPIRE family: missing keys, bad values, past times delete',
    script: s('EXPIRE k 100', 'PEXPIRE k 100', 'EXPIREAT k 100', 'PEXPIREAT k 100', 'SET k v', 'EXPIRE k abc', 'EXPIRE k 1.5', 'EXPIRE k', 'EXPIRE k 100 FOO',
      'EXPIRE k 100', 'TTL k', 'PEXPIRE k 200000', 'TTL k', `EXPIREAT k ${FAR}`, 'EXISTS k', `PEXPIREAT k ${FAR}000`, 'EXISTS k',
      'EXPIRE k 0', 'EXISTS k', 'SET k v', 'EXPIRE k -10', 'GET k', 'SET k v', 'EXPIREAT k 1', 'GET k', 'SET k v', 'PEXPIREAT k 1', 'GET k', 'SET k v', 'PEXPIRE k -1', 'TYPE k',
      'SET k v', 'EXPIRE k 9223372036854775807', 'PEXPIRE k 9223372036854775807', 'EXPIREAT k 9223372036854775807', 'TTL k'),
  },
  {
    name: 'EXPIRE NX XX GT LT',
    script: s('SET k v', 'EXPIRE k 100 XX', 'EXPIRE k 100 GT', 'TTL k', 'EXPIRE k 100 LT', 'TTL k', 'EXPIRE k 200 NX', 'EXPIRE k 200 XX', 'TTL k', 'EXPIRE k 50 GT', 'EXPIRE k 300 GT',
      'TTL k', 'EXPIRE k 400 LT', 'EXPIRE k 100 LT', 'TTL k', 'EXPIRE k 10 NX XX', 'EXPIRE k 10 GT LT', 'EXPIRE k 10 NX GT', 'EXPIRE k 10 nx lt', 'EXPIRE k 10 XX GT', 'TTL k',
      'PEXPIRE k 5000 LT', 'TTL k', 'PERSIST k', 'PEXPIRE k 5000 NX', 'TTL k', `EXPIREAT k ${FAR} XX GT`, 'EXISTS k', 'EXPIRE nokey 10 NX', 'EXPIRE k 10 XX XX'),
  },
  {
    name: 'EXPIRETIME and PEXPIRETIME',
    script: s('EXPIRETIME k', 'PEXPIRETIME k', 'SET k v', 'EXPIRETIME k', 'PEXPIRETIME k', `EXPIREAT k ${FAR}`, 'EXPIRETIME k', 'PEXPIRETIME k',
      `PEXPIREAT k ${FAR}499`, 'EXPIRETIME k', `PEXPIREAT k ${FAR}500`, 'EXPIRETIME k', 'PERSIST k', 'EXPIRETIME k', 'EXPIRETIME', 'PEXPIRETIME a b'),
  },
  { name: 'TOUCH counts existing keys, repeats included', script: s('TOUCH a', 'MSET a 1 b 2', 'TOUCH a b c a', 'TOUCH') },
  { name: 'SUBSTR is GETRANGE', script: s('SUBSTR nokey 0 -1', 'SET k Hello,World', 'SUBSTR k 0 4', 'SUBSTR k -5 -1', 'SUBSTR k 5 2', 'SUBSTR k x 1', 'SUBSTR k 0') },
  {
    name: 'COPY: value and TTL, REPLACE, DB, errors',
    script: s('COPY a b', 'SET a hello', 'COPY a b', 'GET b', 'TTL b', 'SET a world', `EXPIREAT a ${FAR}`, 'COPY a b', 'GET b', 'COPY a b REPLACE', 'GET b', 'TTL b',
      'COPY a a', 'COPY a c DB 0', 'GET c', 'COPY a d DB 99', 'COPY a d DB -1', 'COPY a d DB x', 'COPY a d DB', 'COPY a d FOO', 'COPY a d replace REPLACE', 'GET d', 'COPY a', 'EXISTS d'),
  },
  {
    name: 'OBJECT ENCODING, REFCOUNT and FREQ of values SET and INCRed',
    script: s('OBJECT ENCODING nokey', 'OBJECT REFCOUNT nokey', 'OBJECT FREQ nokey', 'SET k 100', 'OBJECT ENCODING k', 'OBJECT REFCOUNT k', 'OBJECT FREQ k',
      'SET k 10000', 'OBJECT ENCODING k', 'OBJECT REFCOUNT k', 'SET k -5', 'OBJECT ENCODING k', 'OBJECT REFCOUNT k', 'SET k 0123', 'OBJECT ENCODING k',
      'SET k 9223372036854775807', 'OBJECT ENCODING k', 'SET k 9223372036854775808', 'OBJECT ENCODING k', `SET k ${'a'.repeat(44)}`, 'OBJECT ENCODING k',
      `SET k ${'a'.repeat(45)}`, 'OBJECT ENCODING k', 'OBJECT REFCOUNT k', 'INCR c', 'OBJECT ENCODING c', 'OBJECT REFCOUNT c', 'INCRBY c 20000', 'OBJECT REFCOUNT c',
      'OBJECT', 'OBJECT FOO k', 'OBJECT ENCODING', 'OBJECT ENCODING a b'),
  },
  { name: 'TTL, PTTL and PERSIST', script: s('TTL k', 'PTTL k', 'PERSIST k', 'SET k v', 'TTL k', 'PTTL k', 'PERSIST k', 'EXPIRE k 100', 'PERSIST k', 'TTL k', 'TTL', 'PTTL a b', 'PERSIST') },
  { name: 'KEYS with one match and with none', script: s('KEYS *', 'MSET foo 1 bar 2 f?x 3', 'KEYS f?o', 'KEYS f\\?x', 'KEYS b*', 'KEYS [b]ar', 'KEYS nomatch*', 'KEYS *r', 'KEYS', 'KEYS a b') },
  { name: 'RANDOMKEY on an empty and a one-key database', script: s('RANDOMKEY', 'SET only 1', 'RANDOMKEY', 'RANDOMKEY x') },
  {
    name: 'RENAME',
    script: s('RENAME a b', 'SET a 1', 'RENAME a b', 'GET a', 'GET b', 'RENAME b b', 'GET b', 'SET c 3', 'RENAME b c', 'GET c', 'EXISTS b', 'SETEX t 100 v', 'RENAME t u',
      'TTL u', 'RENAME a', 'RENAME a b c'),
  },
  { name: 'SCAN argument errors', script: s('SCAN x', 'SCAN -1', 'SCAN 0 COUNT 0', 'SCAN 0 COUNT x', 'SCAN 0 COUNT', 'SCAN 0 FOO bar', 'SCAN 0 MATCH', 'SCAN', 'SCAN 1.5', 'SCAN +0', 'SCAN -0', 'SCAN 18446744073709551615', 'SCAN 18446744073709551616', 'SCAN 99999999999999999999999', 'SCAN 0x1', ['SCAN', ' 0']) },
  { name: 'SCAN finds one key in one call', script: s('SET k 1', 'SCAN 0 COUNT 100000 MATCH k', 'SCAN 0 TYPE string COUNT 100000 MATCH k', 'SCAN 0 TYPE list COUNT 100000 MATCH k') },
  { name: 'FLUSHDB and FLUSHALL', script: s('MSET a 1 b 2', 'FLUSHDB', 'DBSIZE', 'SET a 1', 'FLUSHALL', 'GET a', 'SET a 1', 'FLUSHALL ASYNC', 'EXISTS a', 'FLUSHDB SYNC', 'FLUSHALL FOO', 'FLUSHDB a b') },
  {
    name: 'binary-safe keys and values',
    script: [['SET', BIN_KEY, BIN_VAL], ['GET', BIN_KEY], ['STRLEN', BIN_KEY], ['APPEND', BIN_KEY, BIN_VAL], ['GET', BIN_KEY], ['EXISTS', BIN_KEY], ['KEYS', '*'],
      ['MGET', BIN_KEY, 'x'], ['GETRANGE', BIN_KEY, '1', '3'], ['RENAME', BIN_KEY, BIN_VAL], ['GET', BIN_VAL], ['ECHO', BIN_VAL], ['PING', BIN_VAL], ['DEL', BIN_VAL],
      ['SET', Buffer.alloc(0), Buffer.alloc(0)], ['GET', Buffer.alloc(0)], ['EXISTS', Buffer.alloc(0)]],
  },
  { name: 'QUIT answers OK', script: s('QUIT'), clients: false },
];
