/**
 * Bad and heavy input over real sockets: malformed frames get Redis's error text and a close (the
 * same bytes redis-server sends), while other clients keep being served; big values, long
 * pipelines and many concurrent ioredis clients get every answer right.
 */
import { expect } from 'chai';
import { disposeAll, redisAvailable, startNode, startRedis, type ServerProcess } from './harness';
import { RawClient, encodeCommand } from './raw-client';
import { ioClient } from './client-helpers';
import { mulberry32, randomInt } from '../../lib/util/rng';

/** what the server sends back to `input` before closing (or within ms), as latin1 text */
async function answerTo(port: number, input: string | Buffer, ms = 600): Promise<{ text: string; closed: boolean }> {
  const c = await RawClient.connect(port);
  c.write(input);
  const closed = await c.closesWithin(ms);
  const text = c.take().toString('latin1');
  c.close();
  return { text, closed };
}

const MALFORMED: Array<[string, string | Buffer]> = [
  ['a huge multibulk count', '*99999999999\r\n'],
  ['a negative bulk length', '*1\r\n$-5\r\n'],
  ['a huge bulk length', '*1\r\n$9999999999999\r\n'],
  ['a non-numeric multibulk count', '*x\r\n'],
  ['a non-numeric bulk length', '*1\r\n$abc\r\n'],
  ['a bulk header without $', '*1\r\n:1\r\n'],
  ['an integer frame (an inline command in Redis)', ':1\r\n'],
  ['a simple-string frame', '+PING\r\n'],
  ['unbalanced inline quotes', 'SET "a b\r\n'],
  // (no NUL byte: Redis's strchr stops at one, so it would wait for a line end we already see;
  // no byte >= 0x80: see the known bug below)
  ['binary garbage', Buffer.from([0x7f, 0x1b, 0x2a, 0x0d, 0x0a, 0x24, 0x01, 0x0d, 0x0a, 0x2a, 0x01, 0x0d, 0x0a, 0x01])],
  ['a too long multibulk count line', '*' + '1'.repeat(70000)],
  ['a too long inline line', 'x'.repeat(70000)],
  ['a valid command then a bad frame', '*1\r\n$4\r\nPING\r\n*1\r\n$-5\r\n'],
  ['a multibulk count of zero and -1', '*0\r\n*-1\r\nPING\r\n'],
];

describe('robustness: malformed input, huge values, long pipelines, many clients', function () {
  this.timeout(30000);
  let qkv: ServerProcess | undefined;
  let redis: ServerProcess | undefined;
  before(async function () {
    if (!redisAvailable()) this.skip();
    [qkv, redis] = await Promise.all([startNode(), startRedis()]);
  });
  after(() => disposeAll(qkv, redis));

  for (const [what, input] of MALFORMED) {
    it(`${what}: the same reply and close as redis-server, and the node stays up`, async () => {
      const [ours, theirs] = await Promise.all([answerTo(qkv!.port, input), answerTo(redis!.port, input)]);
      expect(ours).to.deep.equal(theirs);
      const c = await RawClient.connect(qkv!.port);
      expect(await c.call('PING')).to.equal('+PONG\r\n');
      c.close();
    });
  }

  it('an unknown command with bytes >= 0x80 is quoted back byte for byte', async () => {
    const input = Buffer.from([0xff, 0xfe, 0x2a, 0x0d, 0x0a]);
    const [ours, theirs] = await Promise.all([answerTo(qkv!.port, input), answerTo(redis!.port, input)]);
    expect(ours).to.deep.equal(theirs);
  });

  it('binary garbage with NUL bytes gets an answer or a close, and the node stays up', async () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 0xff));
    await answerTo(qkv!.port, garbage, 300);
    const c = await RawClient.connect(qkv!.port);
    expect(await c.call('PING')).to.equal('+PONG\r\n');
    c.close();
  });

  it('a client that sends half a frame and stalls does not hold up other clients', async () => {
    const stalled = await RawClient.connect(qkv!.port);
    const stalled2 = await RawClient.connect(qkv!.port);
    stalled.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\nhal');
    stalled2.write('*2\r\n$3\r\nGET');
    const other = await RawClient.connect(qkv!.port);
    try {
      expect(await other.call('PING')).to.equal('+PONG\r\n');
      expect(await other.call('SET', 'k', 'other')).to.equal('+OK\r\n');
      expect(await other.call('GET', 'k')).to.equal('$5\r\nother\r\n');
      // the stalled client completes its frame later and is answered
      stalled.write('f-value\r\n');
      expect((await stalled.replies(1)).toString()).to.equal('+OK\r\n');
      expect(await other.call('GET', 'k')).to.equal('$10\r\nhalf-value\r\n');
    } finally {
      stalled.close();
      stalled2.close();
      other.close();
    }
  });

  it('a client stalled inside a big announced bulk does not hold up other clients', async () => {
    const stalled = await RawClient.connect(qkv!.port);
    stalled.write('*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$100000000\r\n' + 'x'.repeat(100000));
    const other = await RawClient.connect(qkv!.port);
    try {
      for (let i = 0; i < 5; i++) expect(await other.call('PING')).to.equal('+PONG\r\n');
    } finally {
      stalled.close();
      other.close();
    }
  });

  it('a 10 MB binary value round-trips byte for byte', async () => {
    const value = Buffer.alloc(10 * 1024 * 1024);
    for (let i = 0; i < value.length; i++) value[i] = (i * 131 + (i >> 9)) & 0xff;
    const c = await RawClient.connect(qkv!.port);
    try {
      expect(await c.call('SET', 'big', value)).to.equal('+OK\r\n');
      c.write(encodeCommand(['GET', 'big']));
      const reply = await c.replies(1, 15000);
      const head = Buffer.from(`$${value.length}\r\n`);
      expect(reply.subarray(0, head.length).equals(head)).to.equal(true);
      expect(reply.subarray(head.length, head.length + value.length).equals(value)).to.equal(true);
      expect(await c.call('STRLEN', 'big')).to.equal(`:${value.length}\r\n`);
      expect(await c.call('DEL', 'big')).to.equal(':1\r\n');
    } finally {
      c.close();
    }
  });

  it('a pipeline of 10,000 commands in one write answers every command in order', async () => {
    const cmds: Buffer[] = [];
    const want: string[] = [];
    for (let i = 0; i < 10000; i++) {
      const k = `p:${Math.floor(i / 3) % 100}`; // SET k, GET k, PING: the GET sees the SET just before it
      if (i % 3 === 0) {
        cmds.push(encodeCommand(['SET', k, `v${i}`]));
        want.push('+OK\r\n');
      } else if (i % 3 === 1) {
        cmds.push(encodeCommand(['GET', k]));
        want.push(`$${`v${i - 1}`.length}\r\nv${i - 1}\r\n`);
      } else {
        cmds.push(encodeCommand(['PING', `${i}`]));
        want.push(`$${String(i).length}\r\n${i}\r\n`);
      }
    }
    const c = await RawClient.connect(qkv!.port);
    try {
      c.write(Buffer.concat(cmds));
      const got = (await c.replies(10000, 20000)).toString('latin1');
      const all = want.join('');
      if (got !== all) {
        let i = 0;
        while (got[i] === all[i]) i++;
        expect(got.slice(Math.max(0, i - 40), i + 60), `first difference at byte ${i}`).to.equal(all.slice(Math.max(0, i - 40), i + 60));
      }
    } finally {
      c.close();
    }
  });

  it('20 ioredis clients × 200 SET/GET on random keys: every answer is right', async () => {
    const clients = Array.from({ length: 20 }, () => ioClient(qkv!.port));
    try {
      await Promise.all(
        clients.map(async (client, n) => {
          for (let i = 0; i < 200; i++) {
            const key = `c:${n}:${Math.floor(Math.random() * 50)}`;
            const value = `${n}-${i}-${Math.random()}`;
            expect(await client.set(key, value)).to.equal('OK');
            expect(await client.get(key)).to.equal(value);
          }
        }),
      );
    } finally {
      for (const c of clients) c.disconnect();
    }
  });

  it('20 ioredis clients writing the same keys concurrently: each GET sees a value some client wrote', async () => {
    const clients = Array.from({ length: 20 }, () => ioClient(qkv!.port));
    const written = new Set<string>();
    try {
      await Promise.all(
        clients.map(async (client, n) => {
          const ops: Promise<unknown>[] = [];
          for (let i = 0; i < 200; i++) {
            const key = `shared:${i % 10}`;
            const value = `${n}:${i}`;
            written.add(value);
            ops.push(client.set(key, value));
            ops.push(client.get(key).then((v) => expect(v).to.match(/^\d+:\d+$/)));
          }
          await Promise.all(ops);
        }),
      );
      const finals = await clients[0].mget(...Array.from({ length: 10 }, (_, i) => `shared:${i}`));
      for (const v of finals) expect(written.has(v!), String(v)).to.equal(true);
    } finally {
      for (const c of clients) c.disconnect();
    }
  });

  it('3,000 random commands with random arguments: each gets a reply, none an internal error, and the node stays up', async () => {
    // every command and subcommand the node lists, but those that end or change the connection
    // (QUIT, HELLO's protocol switch, CLIENT KILL), stall it (DEBUG SLEEP) or change membership
    const skip = /^(quit|hello|client\|kill|debug\|sleep|cluster\|leave|cluster\|forget)$/;
    const c = ioClient(qkv!.port);
    const other = ioClient(qkv!.port);
    try {
      const names = ((await c.call('COMMAND', 'LIST')) as string[]).filter((n) => !skip.test(n));
      expect(names.length).to.be.greaterThan(60);
      const rng = mulberry32(20261125);
      const atoms = ['k', 'k2', '{k}x', '', '0', '1', '-1', '100', '1.5', '-0', '9223372036854775807', '-9223372036854775808',
        '9223372036854775808', 'abc', 'EX', 'PX', 'NX', 'XX', 'GT', 'LT', 'GET', 'KEEPTTL', 'EXAT', 'PXAT', 'PERSIST', 'MATCH',
        'COUNT', 'TYPE', '*', 'REPLACE', 'DB', 'FILTERBY', 'PATTERN', 'ACLCAT', 'inf', '-inf', 'nan', '1e400', ' 1', '\x00',
        '\u00e9', 'x'.repeat(600), 'SAMPLES', 'SETNAME', 'ID', 'INFO', 'LIST', 'SETINFO', 'LIB-NAME', 'USAGE', 'ENCODING'];
      const internal: string[] = [];
      let replies = 0;
      for (let i = 0; i < 3000; i++) {
        const [cmd, sub] = names[randomInt(rng, names.length)]!.split('|') as [string, string | undefined];
        const args = Array.from({ length: randomInt(rng, 6) }, () => (rng() < 0.7 ? atoms[randomInt(rng, atoms.length)]! : String(randomInt(rng, 2_000_000) - 1_000_000)));
        const argv = sub === undefined ? args : [sub, ...args];
        try {
          await c.call(cmd, ...argv);
        } catch (err) {
          const m = (err as Error).message;
          expect(m, `${cmd} ${JSON.stringify(argv)}`).to.match(/^[A-Z]+ /); // a Redis error reply, not a lost connection
          if (/internal error/i.test(m)) internal.push(`${cmd} ${JSON.stringify(argv)}: ${m}`);
        }
        replies++;
        if (i % 500 === 0) expect(await other.ping()).to.equal('PONG');
      }
      expect(replies).to.equal(3000);
      expect(internal).to.deep.equal([]);
      expect(await other.ping()).to.equal('PONG');
    } finally {
      c.disconnect();
      other.disconnect();
    }
  });
});

describe('robustness: a node at its max-running-commands bound', function () {
  this.timeout(30000);
  let qkv: ServerProcess | undefined;
  before(async () => {
    qkv = await startNode({ args: ['--max-running-commands', '2'] });
  });
  after(() => disposeAll(qkv));

  it('20 ioredis clients pipelining 100 SET/GET each: every answer right and in order; INFO counts those that waited', async () => {
    const clients = Array.from({ length: 20 }, () => ioClient(qkv!.port));
    try {
      await Promise.all(
        clients.map(async (client, n) => {
          const p = client.pipeline();
          for (let i = 0; i < 50; i++) p.set(`b:${n}:${i % 7}`, `${n}-${i}`).get(`b:${n}:${i % 7}`);
          const res = await p.exec();
          res!.forEach(([err, v], j) => {
            expect(err).to.equal(null);
            expect(v).to.equal(j % 2 === 0 ? 'OK' : `${n}-${(j - 1) / 2}`);
          });
        }),
      );
      const info = await clients[0].info();
      const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1]);
      expect(field('max_running_commands')).to.equal(2);
      expect(field('total_delayed_commands')).to.be.above(0);
      // every pipeline answered: nothing runs or waits (INFO counts itself once it has answered)
      expect([field('running_commands'), field('waiting_commands'), field('waiting_clients')]).to.deep.equal([0, 0, 0]);
    } finally {
      for (const c of clients) c.disconnect();
    }
  });
});
