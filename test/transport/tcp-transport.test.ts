import { expect } from 'chai';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import pino from 'pino';
import { decodeErrorBody } from '../../lib/transport/error-body';
import { FrameKind } from '../../lib/transport/frame';
import { MessageType } from '../../lib/transport/message-type';
import { TcpTransport, type TcpTransportOptions } from '../../lib/transport/tcp-transport';
import { RawPeer } from './raw-peer';
import { rejection, transportCompliance, type ComplianceHarness, type ComplianceNode } from './transport-compliance';

const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function options(id: string, extra: Partial<TcpTransportOptions> = {}): TcpTransportOptions {
  return {
    localId: id, listenHost: '127.0.0.1', listenPort: 0, secret: 'shared-secret', logger,
    reconnectBaseMs: 20, reconnectMaxMs: 200, ...extra,
  };
}

function tcpHarness(): ComplianceHarness {
  const all: TcpTransport[] = [];
  const make = async (id: string, port = 0): Promise<ComplianceNode> => {
    const transport = new TcpTransport(options(id, { listenPort: port }));
    all.push(transport);
    await transport.start();
    return { id, address: transport.address, transport };
  };
  return {
    node: (id) => make(id),
    stop: (n) => n.transport.close(),
    restart: (n) => make(n.id, Number(n.address.split(':')[1])),
    deadAddress: async () => `127.0.0.1:${await freePort()}`,
    delay: sleep,
    pass: sleep,
    settle: (p) => p,
    teardown: async () => {
      await Promise.all(all.map((t) => t.close()));
    },
  };
}

transportCompliance('TcpTransport', tcpHarness);

describe('TcpTransport security and robustness', () => {
  const started: TcpTransport[] = [];
  const peers: RawPeer[] = [];
  async function node(id: string, extra: Partial<TcpTransportOptions> = {}): Promise<TcpTransport> {
    const t = new TcpTransport(options(id, extra));
    started.push(t);
    await t.start();
    return t;
  }
  async function raw(t: TcpTransport): Promise<RawPeer> {
    const p = await RawPeer.connect(t.port);
    peers.push(p);
    return p;
  }
  afterEach(async () => {
    peers.splice(0).forEach((p) => p.destroy());
    await Promise.all(started.splice(0).map((t) => t.close()));
  });

  it('refuses a peer with the wrong secret: AUTH_FAILED, and none of its frames reach a handler', async () => {
    const calls: string[] = [];
    const b = await node('b', { secret: 'right' });
    b.handle(MessageType.REPLICA_WRITE, (body) => {
      calls.push(body.toString());
      return Buffer.alloc(0);
    });
    const a = await node('a', { secret: 'wrong' });
    const err = await rejection(a.request(b.address, MessageType.REPLICA_WRITE, Buffer.from('evil'), 2000));
    expect(err.code).to.equal('AUTH_FAILED');
    expect(calls).to.deep.equal([]);
  });

  it('closes a raw peer that proves the wrong secret, and never runs what it sent', async () => {
    const calls: string[] = [];
    const b = await node('b', { secret: 'right' });
    b.handle(MessageType.REPLICA_WRITE, (body) => {
      calls.push(body.toString());
      return Buffer.alloc(0);
    });
    const p = await raw(b);
    const accepted = await p.handshake('guess');
    expect(accepted).to.equal(false);
    p.sendFrame(MessageType.REPLICA_WRITE, FrameKind.REQUEST, 1, Buffer.from('after-refusal'));
    await p.closed;
    expect(calls).to.deep.equal([]);
  });

  it('drops and closes a peer that sends a request before finishing the handshake', async () => {
    const calls: string[] = [];
    const b = await node('b');
    b.handle(MessageType.REPLICA_WRITE, (body) => {
      calls.push(body.toString());
      return Buffer.alloc(0);
    });
    const p1 = await raw(b);
    p1.sendFrame(MessageType.REPLICA_WRITE, FrameKind.REQUEST, 1, Buffer.from('no-hello'));
    await p1.closed;
    const p2 = await raw(b);
    await p2.hello();
    p2.sendFrame(MessageType.REPLICA_WRITE, FrameKind.REQUEST, 1, Buffer.from('no-proof'));
    await p2.closed;
    expect(calls).to.deep.equal([]);
  });

  it('serves a raw peer that proves the secret', async () => {
    const b = await node('b');
    b.handle(MessageType.REPLICA_READ, (body, from) => Buffer.from(`${from.id}:${body.toString()}`));
    const p = await raw(b);
    expect(await p.handshake('shared-secret', 'tester')).to.equal(true);
    p.sendFrame(MessageType.REPLICA_READ, FrameKind.REQUEST, 9, Buffer.from('q'));
    const f = await p.nextFrame();
    expect([f?.kind, f?.requestId, f?.body.toString()]).to.deep.equal([FrameKind.RESPONSE, 9, 'tester:q']);
  });

  it('accepts loopback peers when no secret is configured', async () => {
    const b = await node('b', { secret: null });
    b.handle(MessageType.REPLICA_READ, () => Buffer.from('ok'));
    const a = await node('a', { secret: null });
    expect((await a.request(b.address, MessageType.REPLICA_READ, Buffer.alloc(0), 2000)).toString()).to.equal('ok');
  });

  it('connects to peers from its sourceAddress (bind-source-addr), and serves them from there', async () => {
    const seen: string[] = [];
    const listener = createServer((socket) => {
      seen.push(socket.remoteAddress ?? '?');
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    try {
      const a = await node('a', { secret: null, sourceAddress: '127.0.0.3' });
      const port = (listener.address() as { port: number }).port;
      await rejection(a.request(`127.0.0.1:${port}`, MessageType.PING, Buffer.alloc(0), 500));
      expect(seen[0]).to.equal('127.0.0.3');
      const b = await node('b', { secret: null });
      b.handle(MessageType.REPLICA_READ, () => Buffer.from('ok'));
      expect((await a.request(b.address, MessageType.REPLICA_READ, Buffer.alloc(0), 2000)).toString()).to.equal('ok');
    } finally {
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    }
  });

  it('refuses a peer that has no secret when this node has one', async () => {
    const b = await node('b', { secret: 'right' });
    const a = await node('a', { secret: null });
    expect((await rejection(a.request(b.address, MessageType.PING, Buffer.alloc(0), 2000))).code).to.equal('AUTH_FAILED');
  });

  it('refuses non-loopback peers when no secret is configured', async function () {
    const ip = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (!ip) this.skip();
    const b = await node('b', { secret: null, listenHost: '0.0.0.0', advertiseAddress: `${ip}:0` });
    const p = await RawPeer.connect(b.port, ip);
    peers.push(p);
    await p.closed;
    const a = await node('a', { secret: null, listenHost: ip! });
    const err = await rejection(a.request(`${ip}:${b.port}`, MessageType.PING, Buffer.alloc(0), 2000));
    expect(err.code).to.equal('UNREACHABLE');
  });

  it('closes a connection that sends garbage while other connections keep working', async () => {
    const b = await node('b');
    b.handle(MessageType.REPLICA_READ, () => Buffer.from('fine'));
    const a = await node('a');
    expect((await a.request(b.address, MessageType.REPLICA_READ, Buffer.alloc(0), 2000)).toString()).to.equal('fine');
    const p = await raw(b);
    p.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    await p.closed;
    const q = await raw(b);
    expect(await q.handshake('shared-secret')).to.equal(true);
    q.write(Buffer.from([0, 0, 0, 7, 99, 5, 0, 0, 0, 0, 1])); // wrong protocol version
    await q.closed;
    expect((await a.request(b.address, MessageType.REPLICA_READ, Buffer.alloc(0), 2000)).toString()).to.equal('fine');
  });

  it('answers a frame of an unknown type with an error response and keeps the connection', async () => {
    const b = await node('b');
    const p = await raw(b);
    expect(await p.handshake('shared-secret')).to.equal(true);
    p.sendFrame(250, FrameKind.REQUEST, 77, Buffer.from('from the future'));
    const f = await p.nextFrame();
    expect([f?.kind, f?.type, f?.requestId]).to.deep.equal([FrameKind.ERROR, 250, 77]);
    expect(decodeErrorBody(f!.body).code).to.equal('UNKNOWN_TYPE');
    p.sendFrame(MessageType.PING, FrameKind.REQUEST, 78, Buffer.from('still here'));
    const g = await p.nextFrame();
    expect([g?.kind, g?.requestId, g?.body.toString()]).to.deep.equal([FrameKind.RESPONSE, 78, 'still here']);
  });

  it('closes an unauthenticated peer that announces a large frame, without buffering it', async () => {
    const b = await node('b');
    const p = await raw(b);
    const head = Buffer.alloc(11);
    head.writeUInt32BE(7 + 10_000_000, 0);
    p.write(Buffer.concat([head, Buffer.alloc(1000)]));
    await p.closed;
  });

  it('carries multi-megabyte bodies once authenticated', async () => {
    const b = await node('b');
    b.handle(MessageType.REPLICA_WRITE, (body) => Buffer.from(String(body.reduce((x, y) => (x + y) % 65521, 0))));
    const a = await node('a');
    const body = Buffer.alloc(5 * 1024 * 1024);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7) & 0xff;
    const want = String(body.reduce((x, y) => (x + y) % 65521, 0));
    expect((await a.request(b.address, MessageType.REPLICA_WRITE, body, 10_000)).toString()).to.equal(want);
  });

  it('closes a connection that never completes the handshake', async () => {
    const b = await node('b', { handshakeTimeoutMs: 100 });
    const p = await raw(b);
    const t0 = Date.now();
    await p.closed;
    expect(Date.now() - t0).to.be.within(50, 2000);
  });

  it('backs off after a failed connect, failing fast until the backoff passes', async () => {
    const a = await node('a', { reconnectBaseMs: 300, reconnectMaxMs: 1000 });
    const dead = `127.0.0.1:${await freePort()}`;
    expect((await rejection(a.request(dead, MessageType.PING, Buffer.alloc(0), 1000))).code).to.equal('UNREACHABLE');
    const t0 = Date.now();
    const e = await rejection(a.request(dead, MessageType.PING, Buffer.alloc(0), 1000));
    expect([e.code, Date.now() - t0 < 50]).to.deep.equal(['UNREACHABLE', true]);
    expect(e.message).to.match(/next attempt/);
  });

  it('connects at once, without waiting out the back-off, to a peer that has just connected to it', async () => {
    const a = await node('a', { reconnectBaseMs: 5000, reconnectMaxMs: 5000 });
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    expect((await rejection(a.request(address, MessageType.PING, Buffer.alloc(0), 1000))).code).to.equal('UNREACHABLE');
    // the peer (re)starts on that address and talks to a first
    const b = await node('b', { listenPort: port });
    await b.request(a.address, MessageType.PING, Buffer.alloc(0), 1000);
    await sleep(10);
    expect((await a.request(address, MessageType.PING, Buffer.from('hi'), 1000)).toString()).to.equal('hi');
  });

  it('uses one connection for many requests to the same peer', async () => {
    const b = await node('b');
    const remotes = new Set<string>();
    let inbound = 0;
    b.handle(MessageType.REPLICA_READ, (_body, from) => {
      remotes.add(from.address);
      inbound++;
      return Buffer.alloc(0);
    });
    const a = await node('a');
    await Promise.all(Array.from({ length: 50 }, () => a.request(b.address, MessageType.REPLICA_READ, Buffer.alloc(0), 2000)));
    await sleep(10);
    expect(inbound).to.equal(50);
    expect(remotes).to.deep.equal(new Set([a.address]));
    expect(b.stats().inboundConnections).to.equal(1);
  });
});
