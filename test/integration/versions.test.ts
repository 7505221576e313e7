/**
 * The Dynamo part through a real node: siblings and contexts (VGET VSET VDEL), DEBUG REPLICA,
 * QUORUM, and durability of values and siblings across kill -9 and restart.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { decodeContext } from '../../lib/versioning/context-codec';
import { disposeAll, startNode, type QuorumNodeProcess } from './harness';
import { RawClient, decodeReply, type Decoded } from './raw-client';

async function vget(c: RawClient, key: string): Promise<{ context: string; values: string[] }> {
  const r = decodeReply(await c.call('VGET', key)) as string[];
  expect(r, `VGET ${key}`).to.be.an('array').with.length.at.least(1);
  return { context: r[0], values: r.slice(1) };
}

describe('versions: siblings and contexts through a real node', function () {
  this.timeout(20000);
  let node: QuorumNodeProcess | undefined;
  let c: RawClient;
  before(async () => {
    node = await startNode();
    c = await RawClient.connect(node.port);
  });
  after(async () => {
    c?.close();
    await disposeAll(node);
  });

  it('VGET of a missing key answers [context] with no values', async () => {
    const r = decodeReply(await c.call('VGET', 'nokey')) as Decoded[];
    expect(r).to.have.length(1);
    expect(r[0]).to.be.a('string').and.match(/^[\x21-\x7e]*$/);
  });

  it('two VSETs with the same context leave two siblings; plain GET returns one of them', async () => {
    await c.call('SET', 'sib', 'base');
    const { context } = await vget(c, 'sib');
    expect(await c.call('VSET', 'sib', context, 'left')).to.equal('+OK\r\n');
    expect(await c.call('VSET', 'sib', context, 'right')).to.equal('+OK\r\n');
    const after = await vget(c, 'sib');
    expect(after.values.sort()).to.deep.equal(['left', 'right']);
    const got = decodeReply(await c.call('GET', 'sib'));
    expect(['left', 'right']).to.include(got);
    expect(decodeReply(await c.call('DEBUG', 'REPLICA', 'sib'))).to.satisfy((r: string[]) => r.slice(1).sort().join() === 'left,right');
  });

  it("a VSET with VGET's merged context resolves the siblings into one", async () => {
    const { context, values } = await vget(c, 'sib');
    expect(values).to.have.length(2);
    expect(await c.call('VSET', 'sib', context, 'merged')).to.equal('+OK\r\n');
    expect((await vget(c, 'sib')).values).to.deep.equal(['merged']);
    expect(await c.call('GET', 'sib')).to.equal('$6\r\nmerged\r\n');
  });

  it('VSET with an empty context on an existing key adds a sibling (it saw nothing)', async () => {
    await c.call('SET', 'blind', 'one');
    expect(await c.call('VSET', 'blind', '', 'two')).to.equal('+OK\r\n');
    expect((await vget(c, 'blind')).values.sort()).to.deep.equal(['one', 'two']);
  });

  it('VDEL with a covering context deletes (:1); with a stale one (:0) the newer value stays a sibling', async () => {
    await c.call('SET', 'vd', 'a');
    const old = (await vget(c, 'vd')).context;
    await c.call('SET', 'vd', 'b');
    expect(await c.call('VDEL', 'vd', old)).to.equal(':0\r\n');
    // the delete did not see 'b': 'b' stays for VGET (plain GET shows the latest write, the delete)
    expect((await vget(c, 'vd')).values).to.deep.equal(['b']);
    const cur = (await vget(c, 'vd')).context;
    expect(await c.call('VDEL', 'vd', cur)).to.equal(':1\r\n');
    expect(await c.call('GET', 'vd')).to.equal('$-1\r\n');
    expect((await vget(c, 'vd')).values).to.deep.equal([]);
  });

  it('VSET with EX sets a TTL; bad contexts and options are errors', async () => {
    expect(await c.call('VSET', 'ttl', '', 'v', 'EX', '100')).to.equal('+OK\r\n');
    expect(await c.call('TTL', 'ttl')).to.equal(':100\r\n');
    expect(await c.call('VSET', 'ttl', '', 'v', 'FOO', '1')).to.equal('-ERR syntax error\r\n');
    expect(await c.call('VSET', 'ttl', '!!not a context!!', 'v')).to.match(/^-ERR invalid context/);
    expect(await c.call('VDEL', 'ttl', '%%%')).to.match(/^-ERR invalid context/);
    expect(await c.call('VSET', 'ttl', '')).to.equal("-ERR wrong number of arguments for 'vset' command\r\n");
  });

  it('QUORUM shows [N, R, W] and sets them for this connection only', async () => {
    const q = decodeReply(await c.call('QUORUM')) as number[];
    expect(q).to.have.length(3);
    const other = await RawClient.connect(node!.port);
    try {
      expect(await other.call('QUORUM', '1', '1')).to.equal('+OK\r\n');
      expect(decodeReply(await other.call('QUORUM'))).to.deep.equal([q[0], 1, 1]);
      expect(decodeReply(await c.call('QUORUM'))).to.deep.equal(q);
      expect(await other.call('QUORUM', '0', '1')).to.match(/^-ERR invalid quorum/);
      expect(await other.call('QUORUM', 'x', '1')).to.equal('-ERR value is not an integer or out of range\r\n');
      expect(await other.call('QUORUM', '1')).to.equal("-ERR wrong number of arguments for 'quorum' command\r\n");
      expect(await other.call('SET', 'q', 'v')).to.equal('+OK\r\n');
    } finally {
      other.close();
    }
  });
});

describe('durability: values and siblings survive kill -9 and restart', function () {
  this.timeout(30000);
  const nodes: QuorumNodeProcess[] = [];
  after(() => disposeAll(...nodes));

  async function writeAll(c: RawClient): Promise<string> {
    await c.call('SET', 'plain', 'v1');
    await c.call('SET', 'bin', Buffer.from([0, 0xff, 0x0d, 0x0a]));
    await c.call('SET', 'gone', 'x');
    await c.call('DEL', 'gone');
    await c.call('SETEX', 'ttl', '1000', 't');
    await c.call('SET', 'sib', 'base');
    const ctx = (await vget(c, 'sib')).context;
    await c.call('VSET', 'sib', ctx, 'left');
    await c.call('VSET', 'sib', ctx, 'right');
    return ctx;
  }

  async function checkAll(c: RawClient): Promise<void> {
    expect(await c.call('GET', 'plain')).to.equal('$2\r\nv1\r\n');
    expect(await c.call('GET', 'bin')).to.equal('$4\r\n\x00\xff\r\n\r\n');
    expect(await c.call('GET', 'gone')).to.equal('$-1\r\n');
    expect(Number((await c.call('TTL', 'ttl')).slice(1))).to.be.within(990, 1000);
    expect((await vget(c, 'sib')).values.sort()).to.deep.equal(['left', 'right']);
  }

  for (const [fsync, waitMs] of [['always', 0], ['everysec', 1500]] as const) {
    it(`with --fsync ${fsync}${waitMs ? ` after ${waitMs} ms` : ''}`, async () => {
      const node = await startNode({ args: ['--fsync', fsync] });
      nodes.push(node);
      const c = await RawClient.connect(node.port);
      await writeAll(c);
      c.close();
      if (waitMs) await new Promise((r) => setTimeout(r, waitMs));
      await node.kill9();
      await node.start();
      const d = await RawClient.connect(node.port);
      try {
        await checkAll(d);
        // and it keeps working: resolving the siblings after the restart
        const ctx = (await vget(d, 'sib')).context;
        await d.call('VSET', 'sib', ctx, 'one');
        expect((await vget(d, 'sib')).values).to.deep.equal(['one']);
      } finally {
        d.close();
      }
      await node.stop();
      await node.start();
      const e = await RawClient.connect(node.port);
      expect((await vget(e, 'sib')).values).to.deep.equal(['one']);
      e.close();
    });
  }
});

describe('epochs: after an unclean stop and a reboot a node signs new versions with a new actor', function () {
  this.timeout(30000);
  let node: QuorumNodeProcess | undefined;
  after(() => disposeAll(node));

  const infoField = async (c: RawClient, name: string): Promise<string> => {
    const text = decodeReply(await c.call('INFO', name === 'node_id' ? 'server' : 'cluster')) as string;
    const m = new RegExp(`^${name}:(.*)\\r?$`, 'm').exec(text);
    expect(m, `INFO ${name}`).to.not.equal(null);
    return m![1]!.trim();
  };
  const epochFile = () => path.join(node!.dir, 'epoch');
  /** what an OS reboot changes for the node: the kernel's boot id */
  const reboot = () => {
    const state = JSON.parse(fs.readFileSync(epochFile(), 'utf8')) as { epoch: number; bootId: string | null };
    fs.writeFileSync(epochFile(), JSON.stringify({ ...state, bootId: 'a-boot-before-this-one' }));
  };

  it('keeps its name over kill -9 and over a clean stop and reboot; takes <id>@1 after kill -9 and a reboot', async () => {
    node = await startNode();
    let c = await RawClient.connect(node.port);
    const id = await infoField(c, 'node_id');
    expect(await infoField(c, 'node_epoch')).to.equal('0');
    expect(await infoField(c, 'version_actor')).to.equal(id);
    await c.call('SET', 'k', 'v1');
    c.close();

    await node.kill9(); // the process died; the machine did not: nothing was lost
    await node.start();
    await node.stop(); // a clean stop syncs everything: a reboot loses nothing either
    expect(fs.existsSync(path.join(node.dir, 'clean-shutdown'))).to.equal(true);
    reboot();
    await node.start();
    c = await RawClient.connect(node.port);
    expect(await infoField(c, 'node_epoch')).to.equal('0');
    c.close();

    await node.kill9();
    reboot();
    await node.start();
    c = await RawClient.connect(node.port);
    try {
      expect(await infoField(c, 'node_epoch')).to.equal('1');
      expect(await infoField(c, 'version_actor')).to.equal(`${id}@1`);
      expect((await vget(c, 'k')).values).to.deep.equal(['v1']);
      await c.call('SET', 'k', 'v2');
      const vv = decodeContext((await vget(c, 'k')).context);
      expect([...vv.keys()].sort()).to.deep.equal([id, `${id}@1`]);
      expect(vv.get(`${id}@1`)).to.equal(1);
      expect(decodeReply(await c.call('GET', 'k'))).to.equal('v2');
    } finally {
      c.close();
    }
  });
});
