/**
 * Answers that rightly differ from redis-server in content, compared by shape: the reply types,
 * the fields a client relies on, and the values that must agree. Also AUTH against nodes started
 * with a password, and inline commands over a raw socket.
 */
import path from 'node:path';
import { expect } from 'chai';
import { disposeAll, redisAvailable, redisCli, startNode, startRedis, type QuorumNodeProcess, type ServerProcess } from './harness';
import { RawClient, decodeReply, type Decoded } from './raw-client';
import { ioClient } from './client-helpers';

/** the first byte (the RESP type) and element count of a reply */
function typeOf(reply: string): string {
  return reply[0];
}

describe('shapes: answers that rightly differ from redis-server keep its reply types and fields', function () {
  this.timeout(20000);
  let qkv: ServerProcess | undefined;
  let redis: ServerProcess | undefined;
  const clients: RawClient[] = [];
  const connect = async (p: ServerProcess) => {
    const c = await RawClient.connect(p.port);
    clients.push(c);
    return c;
  };
  const both = async () => ({ ours: await connect(qkv!), theirs: await connect(redis!) });

  before(async function () {
    if (!redisAvailable()) this.skip();
    [qkv, redis] = await Promise.all([startNode(), startRedis()]);
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  after(() => disposeAll(qkv, redis));

  it('HELLO 2 answers a flat array of the same field names (server and mode are ours)', async () => {
    const { ours, theirs } = await both();
    const [a, b] = [await ours.call('HELLO', '2'), await theirs.call('HELLO', '2')];
    const [da, db] = [decodeReply(a) as Decoded[], decodeReply(b) as Decoded[]];
    expect(typeOf(a)).to.equal('*');
    expect(da.filter((_, i) => i % 2 === 0)).to.deep.equal(db.filter((_, i) => i % 2 === 0)); // field names
    const field = (d: Decoded[], f: string) => d[d.indexOf(f) + 1];
    expect(field(da, 'proto')).to.equal(2);
    expect(field(da, 'role')).to.equal(field(db, 'role'));
    expect(field(da, 'id')).to.be.a('number');
    expect(field(da, 'modules')).to.deep.equal([]);
  });

  it('HELLO 3 switches to RESP3: a map reply, then RESP3 nulls and maps', async () => {
    const { ours, theirs } = await both();
    const [a, b] = [await ours.call('HELLO', '3'), await theirs.call('HELLO', '3')];
    expect(a.slice(0, 4)).to.equal(b.slice(0, 4)); // %7\r\n
    expect(a).to.contain('$5\r\nproto\r\n:3\r\n');
    expect(await ours.call('GET', 'nokey')).to.equal('_\r\n');
    expect(await ours.call('CONFIG', 'GET', 'timeout')).to.equal(await theirs.call('CONFIG', 'GET', 'timeout'));
    expect(await ours.call('HELLO', '2', 'SETNAME', 'me')).to.match(/^\*14\r\n/);
    expect(await ours.call('CLIENT', 'GETNAME')).to.equal('$2\r\nme\r\n');
    expect(await ours.call('GET', 'nokey')).to.equal('$-1\r\n');
  });

  it('SELECT 1 is refused: quorumkv has one database', async () => {
    const { ours } = await both();
    expect(await ours.call('SELECT', '1')).to.equal('-ERR DB index is out of range\r\n');
  });

  it('CLIENT ID, INFO and LIST: an integer and verbatim lines with the fields clients parse', async () => {
    const { ours, theirs } = await both();
    const id = await ours.call('CLIENT', 'ID');
    expect(typeOf(id)).to.equal(typeOf(await theirs.call('CLIENT', 'ID')));
    await ours.call('CLIENT', 'SETNAME', 'shape');
    const info = await ours.call('CLIENT', 'INFO');
    expect(typeOf(info)).to.equal(typeOf(await theirs.call('CLIENT', 'INFO')));
    expect(info).to.match(new RegExp(`id=${id.slice(1, -2)} addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:${qkv!.port} .*name=shape .*cmd=client\\|info`));
    const other = await connect(qkv!);
    await other.call('CLIENT', 'SETNAME', 'other');
    const list = await ours.call('CLIENT', 'LIST');
    expect(list).to.contain('name=shape').and.to.contain('name=other');
    expect(await ours.call('CLIENT', 'LIST', 'TYPE', 'normal')).to.match(/^\$/);
  });

  it('COMMAND COUNT, INFO and DOCS: our own table in Redis reply shapes', async () => {
    const { ours, theirs } = await both();
    const count = await ours.call('COMMAND', 'COUNT');
    expect(count).to.match(/^:\d+\r\n$/);
    expect(Number(count.slice(1))).to.be.at.least(40);
    const [a, b] = [await ours.call('COMMAND', 'INFO', 'get', 'set', 'mset'), await theirs.call('COMMAND', 'INFO', 'get', 'set', 'mset')];
    // name, arity, first key, last key, step agree; flags, categories and key specs are ours
    const head = (r: string) => r.match(/\*10\r\n\$\d+\r\n\w+\r\n:-?\d+\r\n/g);
    expect(head(a)).to.deep.equal(head(b));
    expect(a.match(/\r\n:(-?\d+)\r\n:(-?\d+)\r\n:(-?\d+)\r\n\*/g)).to.deep.equal(b.match(/\r\n:(-?\d+)\r\n:(-?\d+)\r\n:(-?\d+)\r\n\*/g));
    const docs = await ours.call('COMMAND', 'DOCS', 'get');
    expect(docs.slice(0, 2)).to.equal((await theirs.call('COMMAND', 'DOCS', 'get')).slice(0, 2));
    expect(docs).to.contain('summary').and.to.contain('group');
    const all = await ours.call('COMMAND');
    expect(all).to.match(new RegExp(`^\\*${count.slice(1, -2)}\\r\\n`));
    // the categories GET and SET have in Redis
    const cats = (r: string, name: string) => new RegExp(`\\$${name.length}\\r\\n${name}\\r\\n(?:[^@]*?)\\*(\\d+)\\r\\n((?:\\+@\\w+\\r\\n)+)`).exec(r)?.[2];
    expect(cats(a, 'get')).to.equal(cats(b, 'get')).and.to.equal('+@read\r\n+@string\r\n+@fast\r\n');
  });

  it('COMMAND LIST: every command and subcommand, and the FILTERBY forms', async () => {
    const { ours, theirs } = await both();
    const names = async (c: RawClient, ...args: string[]) => (await c.call('COMMAND', 'LIST', ...args)).split('\r\n').filter((l) => /^[a-z]/.test(l)).sort();
    const count = Number((await ours.call('COMMAND', 'COUNT')).slice(1, -2));
    const all = await names(ours);
    expect(all.filter((n) => !n.includes('|'))).to.have.length(count);
    expect(all).to.include.members(['get', 'set', 'vget', 'cluster|slots', 'config|get', 'command|list']);
    const gets = await names(ours, 'FILTERBY', 'PATTERN', 'GET*');
    expect(gets).to.deep.equal(all.filter((n) => n.startsWith('get')));
    // the ones both servers have agree
    expect(gets.filter((n) => n !== 'getbit')).to.deep.equal((await names(theirs, 'FILTERBY', 'PATTERN', 'get*')).filter((n) => n !== 'getbit'));
    expect(await names(ours, 'FILTERBY', 'ACLCAT', 'string')).to.include.members(['get', 'set', 'append', 'substr']).and.not.include('del');
    expect(await ours.call('COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'x')).to.equal('*0\r\n');
    for (const bad of [['x'], ['FILTERBY', 'FOO', 'x'], ['FILTERBY', 'PATTERN']]) {
      expect(await ours.call('COMMAND', 'LIST', ...bad), bad.join(' ')).to.equal(await theirs.call('COMMAND', 'LIST', ...bad));
    }
  });

  it('INFO: verbatim "# Section" text with the fields monitoring tools read', async () => {
    const { ours } = await both();
    const info = await ours.call('INFO');
    expect(typeOf(info)).to.equal('$');
    // redis-cli --stat reads used_memory, connected_clients, blocked_clients (no blocking commands
    // here: 0, where a missing field printed -9223372036854775808), total_commands_processed,
    // total_connections_received and the persistence "child" fields
    for (const f of ['# Server', 'redis_version:', 'tcp_port:' + qkv!.port, '# Clients', 'connected_clients:', 'blocked_clients:0\r\n',
      '# Memory', 'used_memory:', 'rdb_bgsave_in_progress:0\r\n', 'aof_rewrite_in_progress:0\r\n', 'loading:0\r\n',
      'total_commands_processed:', 'total_connections_received:']) {
      expect(info).to.contain(f);
    }
    const ks = await ours.call('INFO', 'keyspace');
    expect(ks).to.contain('# Keyspace');
    expect(await ours.call('INFO', 'nosuchsection')).to.equal('$0\r\n\r\n');
  });

  it('INFO keyspace counts the keys with an expiry as redis-server does', async () => {
    const { ours, theirs } = await both();
    const db0 = async (c: typeof ours) => /db0:keys=(\d+),expires=(\d+),avg_ttl=(\d+)/.exec(String(await c.call('INFO', 'keyspace')));
    for (const c of [ours, theirs]) {
      await c.call('FLUSHALL');
      for (const cmd of [['SET', 'ks:a', '1'], ['SET', 'ks:b', '1', 'EX', '1000'], ['SET', 'ks:c', '1', 'PX', '500000'], ['SET', 'ks:d', '1', 'EX', '9'], ['PERSIST', 'ks:d']]) {
        await c.call(...(cmd as [string, ...string[]]));
      }
    }
    const [a, b] = [await db0(ours), await db0(theirs)];
    expect(a?.slice(1, 3)).to.deep.equal(b?.slice(1, 3)).and.to.deep.equal(['4', '2']);
    // Redis estimates avg_ttl from samples (0 until it has some); ours is the mean of what is left
    expect(Number(a![3])).to.be.within(740_000, 750_000);
    for (const c of [ours, theirs]) await c.call('FLUSHALL'); // the tests after this one count keys
  });

  it('INFO keyspace_hits and keyspace_misses count the same lookups as redis-server for the same commands', async () => {
    const { ours, theirs } = await both();
    const counts = async (c: RawClient): Promise<[number, number]> => {
      const info = decodeReply(await c.call('INFO', 'stats')) as string;
      const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1]);
      return [field('keyspace_hits'), field('keyspace_misses')];
    };
    const script: string[][] = [
      ['SET', 'kh:a', 'v'], ['GET', 'kh:a'], ['GET', 'kh:none'], ['MGET', 'kh:a', 'kh:none', 'kh:a'],
      ['EXISTS', 'kh:a', 'kh:none'], ['TYPE', 'kh:a'], ['TTL', 'kh:none'], ['PTTL', 'kh:a'], ['STRLEN', 'kh:a'],
      ['GETRANGE', 'kh:none', '0', '1'], ['SET', 'kh:a', 'w', 'GET'], ['SET', 'kh:b', 'v', 'NX'], ['SETNX', 'kh:b', 'x'],
      ['APPEND', 'kh:b', 'x'], ['INCR', 'kh:n'], ['GETDEL', 'kh:none'], ['GETEX', 'kh:b'], ['GETSET', 'kh:b', 'z'],
      ['DEL', 'kh:a', 'kh:none'], ['PERSIST', 'kh:b'], ['EXPIRE', 'kh:b', '100'], ['RENAME', 'kh:b', 'kh:c'],
    ];
    const deltas: Array<[number, number]> = [];
    for (const c of [ours, theirs]) {
      const [h0, m0] = await counts(c);
      for (const cmd of script) await c.call(...cmd);
      const [h1, m1] = await counts(c);
      deltas.push([h1 - h0, m1 - m0]);
    }
    for (const c of [ours, theirs]) await c.call('DEL', 'kh:a', 'kh:b', 'kh:c', 'kh:n'); // later tests count keys
    expect(deltas[0]).to.deep.equal(deltas[1]);
    expect(deltas[0][0]).to.be.above(0);
    expect(deltas[0][1]).to.be.above(0);
  });

  it('INFO stats: total_net_input_bytes grows by what a client sent, instantaneous_ops_per_sec follows a load', async () => {
    const { ours } = await both();
    const stats = async (): Promise<Map<string, number>> => {
      const info = decodeReply(await ours.call('INFO', 'stats')) as string;
      return new Map([...info.matchAll(/^(\w+):([\d.]+)\r?$/gm)].map((m) => [m[1], Number(m[2])]));
    };
    const before = await stats();
    for (const f of ['instantaneous_ops_per_sec', 'total_net_input_bytes', 'total_net_output_bytes', 'instantaneous_input_kbps', 'instantaneous_output_kbps']) {
      expect(before.has(f), f).to.equal(true);
    }
    const value = 'x'.repeat(1000);
    const keys = Array.from({ length: 50 }, (_, i) => `net-${i}`);
    try {
      for (const k of keys) await ours.call('SET', k, value);
      const after = await stats();
      expect(after.get('total_net_input_bytes')! - before.get('total_net_input_bytes')!).to.be.at.least(50 * 1000);
      expect(after.get('total_net_output_bytes')!).to.be.above(before.get('total_net_output_bytes')!);
      // sampled every 100 ms and averaged over 1.6 s: the burst shows once a sample follows it
      let seen: Map<string, number> = after;
      for (const deadline = Date.now() + 1500; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
        seen = await stats();
        if (seen.get('instantaneous_ops_per_sec')! > 0 && seen.get('instantaneous_input_kbps')! > 0) break;
      }
      expect(seen.get('instantaneous_ops_per_sec')).to.be.above(0);
      expect(seen.get('instantaneous_input_kbps')).to.be.above(0);
    } finally {
      await ours.call('DEL', ...keys); // later tests count keys
    }
  });

  it('MEMORY USAGE: an integer for a key (its name and stored record), nil for none, and Redis\'s errors', async () => {
    const { ours, theirs } = await both();
    for (const c of [ours, theirs]) await c.call('SET', 'mem:k', 'x'.repeat(100));
    expect(await ours.call('MEMORY', 'USAGE', 'mem:k')).to.match(/^:\d+\r\n$/);
    expect(Number((await ours.call('MEMORY', 'USAGE', 'mem:k')).slice(1))).to.be.at.least(105);
    expect(await ours.call('MEMORY', 'USAGE', 'mem:k', 'SAMPLES', '0')).to.match(/^:\d+\r\n$/);
    for (const args of [['mem:none'], ['mem:k', 'SAMPLES'], ['mem:k', 'SAMPLES', 'x'], ['mem:k', 'SAMPLES', '-1'], ['mem:k', 'FOO', '1']]) {
      expect(await ours.call('MEMORY', 'USAGE', ...args), args.join(' ')).to.equal(await theirs.call('MEMORY', 'USAGE', ...args));
    }
    expect(await ours.call('MEMORY', 'HELP')).to.match(/^\*\d+\r\n\+MEMORY <subcommand>/);
    for (const c of [ours, theirs]) await c.call('DEL', 'mem:k'); // later tests count keys
  });

  it('INFO storage: the record cache and the write queue in front of LevelDB', async () => {
    const { ours } = await both();
    const field = (text: string, name: string): number => {
      const m = new RegExp(`${name}:(\\d+)`).exec(text);
      expect(m, name).to.not.equal(null);
      return Number(m![1]);
    };
    const before = await ours.call('INFO', 'storage');
    for (let i = 0; i < 20; i++) await ours.call('SET', `info-storage-${i}`, 'v');
    for (let i = 0; i < 20; i++) await ours.call('GET', `info-storage-${i}`);
    const after = await ours.call('INFO', 'storage');
    expect(after).to.contain('# Storage');
    expect(field(after, 'record_cache_keys')).to.be.at.least(20);
    expect(field(after, 'record_cache_hits') - field(before, 'record_cache_hits')).to.be.at.least(20);
    expect(field(after, 'record_cache_max_bytes')).to.be.above(0);
    expect(field(after, 'journal_backlog_max_bytes')).to.equal(16 * 1024 * 1024);
    expect(field(after, 'journal_backlog_full')).to.equal(0);
    expect(field(after, 'store_pending_keys')).to.be.at.least(0);
    // the device takes the journaled writes in the background
    for (let t = 0; field(await ours.call('INFO', 'storage'), 'store_device_ops') - field(before, 'store_device_ops') < 20; t++) {
      expect(t, 'the device applied the writes').to.be.below(100);
      await new Promise((r) => setTimeout(r, 20));
    }
    // the other tests here count and scan this server's keys
    for (let i = 0; i < 20; i++) await ours.call('DEL', `info-storage-${i}`);
  });

  it('TIME: two integer strings, seconds and microseconds, near our clock', async () => {
    const { ours } = await both();
    const m = /^\*2\r\n\$\d+\r\n(\d+)\r\n\$\d+\r\n(\d+)\r\n$/.exec(await ours.call('TIME'));
    expect(m, 'TIME reply').to.not.equal(null);
    expect(Math.abs(Number(m![1]) - Date.now() / 1000)).to.be.lessThan(5);
    expect(Number(m![2])).to.be.lessThan(1e6);
  });

  it('CONFIG GET port answers our port, as a name/value pair', async () => {
    const { ours } = await both();
    expect(await ours.call('CONFIG', 'GET', 'port')).to.equal(`*2\r\n$4\r\nport\r\n$${String(qkv!.port).length}\r\n${qkv!.port}\r\n`);
  });

  it('CONFIG GET node-id and dir answer what the node runs with (the derived id, the data directory)', async () => {
    const { ours } = await both();
    const bulk = (reply: string): string => /^\$\d+\r\n(.*)\r\n$/s.exec(reply)![1];
    const id = bulk(await ours.call('CLUSTER', 'MYID'));
    expect(id).to.have.length.above(0);
    const pair = (k: string, v: string) => `*2\r\n$${k.length}\r\n${k}\r\n$${Buffer.byteLength(v)}\r\n${v}\r\n`;
    expect(await ours.call('CONFIG', 'GET', 'node-id')).to.equal(pair('node-id', id));
    expect(await ours.call('CONFIG', 'GET', 'dir')).to.equal(pair('dir', path.resolve((qkv as QuorumNodeProcess).dir)));
  });

  it('MULTI is refused, and so is everything up to EXEC: an ioredis multi() fails with nothing applied', async () => {
    const c = ioClient(qkv!.port);
    try {
      await c.set('tx:k', '1');
      let failed: Error | null = null;
      try {
        await c.multi().set('tx:k', '10').incr('tx:k').exec();
      } catch (err) {
        failed = err as Error;
      }
      expect(failed?.message).to.match(/EXECABORT|MULTI is not supported/);
      expect(await c.get('tx:k')).to.equal('1');
      // the connection is usable afterwards, and DISCARD ends a refused MULTI too
      const errOf = async (p: Promise<unknown>): Promise<string> => p.then(() => 'no error', (e: Error) => e.message);
      expect(await errOf(c.call('MULTI'))).to.match(/^ERR MULTI is not supported/);
      expect(await errOf(c.call('SET', 'tx:k', '2'))).to.match(/follows a refused MULTI/);
      expect(await c.call('DISCARD')).to.equal('OK');
      expect(await c.get('tx:k')).to.equal('1');
      expect(await errOf(c.call('EXEC'))).to.equal('ERR EXEC without MULTI');
      await c.del('tx:k');
    } finally {
      c.disconnect();
    }
  });

  it('INFO memory: used_memory counts the heap and the Buffers outside it, with Redis\'s *_human forms', async () => {
    const { ours } = await both();
    const info = await ours.call('INFO', 'memory');
    const num = (f: string): number => Number(new RegExp(`^${f}:(\\d+)\\r?$`, 'm').exec(info)![1]);
    expect(num('used_memory')).to.equal(num('used_memory_heap') + num('used_memory_external'));
    expect(num('used_memory_rss')).to.be.above(0);
    expect(info).to.match(/^used_memory_human:\d+(\.\d\d)?[BKMG]\r?$/m).and.to.match(/^used_memory_rss_human:\d+(\.\d\d)?[BKMG]\r?$/m);
  });

  it('SCAN walks every key exactly once (cursors are slots, not Redis hash-table cursors)', async () => {
    const { ours } = await both();
    const want = Array.from({ length: 300 }, (_, i) => `scan:${i}`);
    await ours.call('MSET', ...want.flatMap((k) => [k, 'v']));
    const seen: string[] = [];
    let cursor = '0';
    let calls = 0;
    do {
      const r = decodeReply(await ours.call('SCAN', cursor, 'COUNT', '50', 'MATCH', 'scan:*')) as [string, string[]];
      expect(r).to.have.length(2);
      cursor = r[0];
      seen.push(...r[1]);
      calls++;
    } while (cursor !== '0' && calls < 100000);
    expect(seen.sort()).to.deep.equal([...want].sort());
    const keys = decodeReply(await ours.call('KEYS', 'scan:*')) as string[];
    expect(keys.sort()).to.deep.equal([...want].sort());
    expect(await ours.call('DBSIZE')).to.equal(':300\r\n');
    expect(await ours.call('FLUSHALL')).to.equal('+OK\r\n');
  });

  it('PTTL after PSETEX and RANDOMKEY among several keys answer in range', async () => {
    const { ours } = await both();
    await ours.call('PSETEX', 'p', '100000', 'v');
    const pttl = Number((await ours.call('PTTL', 'p')).slice(1));
    expect(pttl).to.be.within(99000, 100000);
    await ours.call('MSET', 'r1', '1', 'r2', '2');
    for (let i = 0; i < 10; i++) expect(await ours.call('RANDOMKEY')).to.match(/^\$\d\r\n(p|r1|r2)\r\n$/);
    await ours.call('FLUSHALL');
  });

  it('EXPIRE beyond 2^53 ms is refused with an expire-time error (Redis accepts up to 2^63)', async () => {
    // Known difference: expiry times are JavaScript numbers; Redis would answer :1 here.
    const { ours } = await both();
    await ours.call('SET', 'k', 'v');
    expect(await ours.call('EXPIRE', 'k', '99999999999999')).to.equal("-ERR invalid expire time in 'expire' command\r\n");
    expect(await ours.call('TTL', 'k')).to.equal(':-1\r\n');
  });

  it('inline commands work as in Redis, quotes and escapes included', async () => {
    const { ours, theirs } = await both();
    const script = 'PING\r\nSET a "b c"\r\nGET a\r\nSET b \'x y\'\r\nGET b\r\nECHO "\\x41\\n"\r\n\r\nGET "a\r\nEXISTS a b\nMGET a b\r\n';
    ours.write(script);
    theirs.write(script);
    // the unbalanced quote closes the connection after the replies before it
    const a = (await ours.replies(6)).toString('latin1');
    const b = (await theirs.replies(6)).toString('latin1');
    expect(a).to.equal(b);
    expect(await ours.replies(1).then(String)).to.equal(await theirs.replies(1).then(String));
    expect(await ours.closesWithin(2000)).to.equal(true);
  });

  it('redis-cli with arguments (not stdin) answers the same', async () => {
    for (const args of [['SET', 'cli', 'a b'], ['GET', 'cli'], ['--no-raw', 'GET', 'cli'], ['STRLEN', 'cli'], ['--no-raw', 'MGET', 'cli', 'x'], ['DEL', 'cli']]) {
      expect(await redisCli(qkv!.port, args), args.join(' ')).to.equal(await redisCli(redis!.port, args));
    }
  });
});

describe('AUTH: a node started with requirepass answers as redis-server with requirepass', function () {
  this.timeout(20000);
  let qkv: ServerProcess | undefined;
  let redis: ServerProcess | undefined;
  before(async function () {
    if (!redisAvailable()) this.skip();
    [qkv, redis] = await Promise.all([startNode({ args: ['--requirepass', 's3cret'] }), startRedis(['--requirepass', 's3cret'])]);
  });
  after(() => disposeAll(qkv, redis));

  const script: string[][] = [
    ['GET', 'k'], ['PING'], ['SET', 'k', 'v'], ['CLIENT', 'ID'], ['HELLO', '2'], ['HELLO', '3', 'AUTH', 'default', 'wrong'], ['AUTH', 'wrong'], ['AUTH', 'bob', 's3cret'],
    ['AUTH', 'default', 'wrong'], ['AUTH', 'a', 'b', 'c'], ['AUTH'], ['GET', 'k'], ['AUTH', 's3cret'], ['SET', 'k', 'v'], ['GET', 'k'], ['AUTH', 'default', 's3cret'],
    ['AUTH', 'wrong'], ['GET', 'k'], ['DEL', 'k'], ['QUIT'],
  ];

  it('NOAUTH before AUTH, WRONGPASS for bad passwords, OK and service after the right one', async () => {
    const [a, b] = [await RawClient.connect(qkv!.port), await RawClient.connect(redis!.port)];
    try {
      for (const cmd of script) expect([cmd.join(' '), await a.call(...cmd)]).to.deep.equal([cmd.join(' '), await b.call(...cmd)]);
    } finally {
      a.close();
      b.close();
    }
  });

  it('RESET leaves the connection as a new one finds it: unauthenticated again, RESP2, no name', async () => {
    const [a, b] = [await RawClient.connect(qkv!.port), await RawClient.connect(redis!.port)];
    try {
      const script = [['RESET'], ['GET', 'k'], ['AUTH', 's3cret'], ['CLIENT', 'SETNAME', 'app'], ['HELLO', '3'], ['RESET'], ['CLIENT', 'GETNAME'], ['AUTH', 's3cret'],
        ['CLIENT', 'GETNAME'], ['GET', 'nokey'], ['RESET', 'x']];
      for (const cmd of script) {
        const [ours, theirs] = [await a.call(...cmd), await b.call(...cmd)];
        if (cmd[0] === 'HELLO') expect(ours.slice(0, 1), cmd.join(' ')).to.equal(theirs.slice(0, 1)); // a map either way; the fields differ
        else expect([cmd.join(' '), ours]).to.deep.equal([cmd.join(' '), theirs]);
      }
    } finally {
      a.close();
      b.close();
    }
  });

  it('HELLO with AUTH authenticates and switches protocol in one step', async () => {
    const a = await RawClient.connect(qkv!.port);
    try {
      expect(await a.call('HELLO', '3', 'AUTH', 'default', 's3cret')).to.match(/^%7\r\n/);
      expect(await a.call('SET', 'h', 'v')).to.equal('+OK\r\n');
    } finally {
      a.close();
    }
  });

  it('an unauthenticated client may not send big frames (Redis: unauthenticated bulk length)', async () => {
    const [a, b] = [await RawClient.connect(qkv!.port), await RawClient.connect(redis!.port)];
    for (const c of [a, b]) c.write('*2\r\n$3\r\nGET\r\n$100000\r\n');
    expect((await a.replies(1)).toString()).to.equal((await b.replies(1)).toString());
    expect(await a.closesWithin(2000)).to.equal(true);
    b.close();
  });

  it('redis-cli -a authenticates', async () => {
    expect(await redisCli(qkv!.port, ['--no-auth-warning', '-a', 's3cret', 'PING'])).to.equal('PONG\n');
    expect(await redisCli(qkv!.port, ['GET', 'x'])).to.equal(await redisCli(redis!.port, ['GET', 'x']));
  });
});
