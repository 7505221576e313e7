import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import pino from 'pino';
import { Connection } from '../../lib/resp/connection';
import { Admission } from '../../lib/resp/admission';
import type { ClientState } from '../../lib/resp/context';
import type { Dispatcher, Prepared } from '../../lib/resp/dispatcher';
import { SimpleString, type Reply } from '../../lib/resp/reply';
import { DEFAULT_LIMITS } from '../../lib/resp/limits';

/** a socket that records what the connection writes */
class FakeSocket extends EventEmitter {
  written = '';
  writableLength = 0;
  destroyed = false;
  setNoDelay(): void {}
  pause(): void {}
  resume(): void {}
  end(): void {}
  destroy(): void {
    this.destroyed = true;
  }
  write(data: Buffer): boolean {
    this.written += data.toString('latin1');
    return true;
  }
  send(...commands: string[][]): void {
    const frames = commands.map((c) => `*${c.length}\r\n${c.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`);
    this.emit('data', Buffer.from(frames.join(''), 'latin1'));
  }
}

/**
 * Commands whose replies the test settles by hand: `K key` is keyed, `P` keyless; each answers
 * with its own name, as a status reply, once the test calls `settle(name)` (or at once when its
 * last argument is `now`).
 */
class FakeDispatcher {
  readonly started: string[] = [];
  private readonly waiting = new Map<string, () => void>();

  prepare(args: Buffer[]): Prepared {
    const keyed = args[0].toString() === 'K';
    return { cmd: {} as never, keys: keyed ? [args[1]] : [], unlocked: false };
  }

  run(_client: ClientState, args: Buffer[]): Reply | Promise<Reply> {
    const name = args.map((a) => a.toString()).join(' ');
    this.started.push(name);
    if (args[args.length - 1].toString() === 'now') return new SimpleString(name);
    return new Promise<Reply>((resolve) => this.waiting.set(name, () => resolve(new SimpleString(name))));
  }

  settle(name: string): void {
    const r = this.waiting.get(name);
    if (r === undefined) throw new Error(`${name} is not waiting`);
    this.waiting.delete(name);
    r();
  }
}

const client = (): ClientState => ({
  id: 1,
  addr: 'test',
  laddr: 'test',
  createdAt: 0,
  lastActive: 0,
  name: '',
  lib: { name: '', ver: '' },
  proto: 2,
  authenticated: true,
  quorum: null,
  readonly: false,
  lastCommand: '',
  closeAfterReply: false,
  inMulti: false,
  forwarded: false,
  stats: () => ({ qbuf: 0, obl: 0 }),
});

/** lets promise callbacks and the connection's setImmediate write run */
const settleTicks = (): Promise<void> => new Promise((r) => setImmediate(() => setImmediate(r)));

function open(
  admission = new Admission(1_000_000),
  dispatcher = new FakeDispatcher(),
): { socket: FakeSocket; dispatcher: FakeDispatcher; conn: Connection } {
  const socket = new FakeSocket();
  const conn = new Connection(socket as unknown as Socket, client(), dispatcher as unknown as Dispatcher, DEFAULT_LIMITS, pino({ level: 'silent' }), admission);
  return { socket, dispatcher, conn };
}

describe('resp Connection: ordering of a pipeline', () => {
  it('answers in the order the commands came, whatever order they finish in', async () => {
    const { socket, dispatcher } = open();
    socket.send(['K', 'a'], ['K', 'b']);
    dispatcher.settle('K b');
    await settleTicks();
    expect(socket.written).to.equal('');
    dispatcher.settle('K a');
    await settleTicks();
    expect(socket.written).to.equal('+K a\r\n+K b\r\n');
  });

  it('runs a keyless command after every keyed command before it, and keyed commands after it after it', async () => {
    const { socket, dispatcher } = open();
    socket.send(['K', 'a'], ['K', 'b'], ['P'], ['K', 'c']);
    await settleTicks();
    expect(dispatcher.started).to.deep.equal(['K a', 'K b']);
    dispatcher.settle('K a');
    await settleTicks();
    expect(dispatcher.started).to.deep.equal(['K a', 'K b']);
    dispatcher.settle('K b');
    await settleTicks();
    expect(dispatcher.started).to.deep.equal(['K a', 'K b', 'P']);
    dispatcher.settle('P');
    await settleTicks();
    expect(dispatcher.started).to.deep.equal(['K a', 'K b', 'P', 'K c']);
    dispatcher.settle('K c');
    await settleTicks();
    expect(socket.written).to.equal('+K a\r\n+K b\r\n+P\r\n+K c\r\n');
  });

  it("runs a connection's commands on one key one after another, and on other keys at once", async () => {
    const { socket, dispatcher } = open();
    socket.send(['K', 'a', '1'], ['K', 'b', '1'], ['K', 'a', '2'], ['K', 'a', '3']);
    // each answer of a lets the next command on a start, and nothing else
    for (const [answered, next] of [[null, 'K b 1'], ['K a 1', 'K a 2'], ['K a 2', 'K a 3']] as const) {
      if (answered !== null) dispatcher.settle(answered);
      await settleTicks();
      expect(dispatcher.started.at(-1)).to.equal(next);
      expect(dispatcher.started.filter((c) => c.startsWith('K a'))).to.have.length(answered === null ? 1 : Number(next.slice(-1)));
    }
    dispatcher.settle('K a 3');
    dispatcher.settle('K b 1');
    await settleTicks();
    expect(socket.written).to.equal('+K a 1\r\n+K b 1\r\n+K a 2\r\n+K a 3\r\n');
  });

  it('a keyless command after keyed commands that answered at once runs at once', async () => {
    const { socket, dispatcher } = open();
    socket.send(['K', 'a', 'now'], ['P', 'now']);
    await settleTicks();
    expect(dispatcher.started).to.deep.equal(['K a now', 'P now']);
    expect(socket.written).to.equal('+K a now\r\n+P now\r\n');
  });

  it('keeps a bounded queue for a client that never lets its pipeline empty', async () => {
    const { socket, dispatcher, conn } = open();
    // one command always in flight: each round sends the next before settling the one before
    socket.send(['K', 'k0']);
    for (let i = 1; i <= 5000; i++) {
      socket.send(['K', `k${i}`]);
      dispatcher.settle(`K k${i - 1}`);
      await Promise.resolve();
      await Promise.resolve();
    }
    await settleTicks();
    expect(conn.queuedSlots).to.be.below(1100);
    expect(socket.written.split('\r\n').length - 1).to.equal(5000);
    dispatcher.settle('K k5000');
    await settleTicks();
    expect(conn.queuedSlots).to.equal(0);
  });
});

describe('resp Connection: the node-wide bound on running commands (max-running-commands)', () => {
  it('starts no more than the bound; the rest start in order as running ones answer', async () => {
    const admission = new Admission(2);
    const { socket, dispatcher } = open(admission);
    socket.send(['K', 'a'], ['K', 'b'], ['K', 'c'], ['P'], ['K', 'd']);
    await settleTicks();
    expect(dispatcher.started).to.deep.equal(['K a', 'K b']);
    expect([admission.running, admission.waitingCommands, admission.delayed]).to.deep.equal([2, 3, 3]);
    dispatcher.settle('K b');
    await settleTicks();
    expect(dispatcher.started).to.deep.equal(['K a', 'K b', 'K c']);
    dispatcher.settle('K a');
    dispatcher.settle('K c');
    await settleTicks();
    // P, keyless, started once everything before it answered; K d waits for P
    expect(dispatcher.started).to.deep.equal(['K a', 'K b', 'K c', 'P']);
    dispatcher.settle('P');
    await settleTicks();
    dispatcher.settle('K d');
    await settleTicks();
    expect(socket.written).to.equal('+K a\r\n+K b\r\n+K c\r\n+P\r\n+K d\r\n');
    expect([admission.running, admission.waitingCommands, admission.waitingConnections]).to.deep.equal([0, 0, 0]);
  });

  it('shares the bound between connections, which take turns', async () => {
    const admission = new Admission(1);
    const dispatcher = new FakeDispatcher();
    const one = open(admission, dispatcher);
    const two = open(admission, dispatcher);
    one.socket.send(['K', 'a1'], ['K', 'a2']);
    two.socket.send(['K', 'b1']);
    await settleTicks();
    expect(dispatcher.started).to.deep.equal(['K a1']);
    dispatcher.settle('K a1');
    await settleTicks();
    // the first in line is connection one (its a2 waited first); two's b1 comes next
    expect(dispatcher.started).to.deep.equal(['K a1', 'K a2']);
    dispatcher.settle('K a2');
    await settleTicks();
    expect(dispatcher.started).to.deep.equal(['K a1', 'K a2', 'K b1']);
    dispatcher.settle('K b1');
    await settleTicks();
    expect(one.socket.written).to.equal('+K a1\r\n+K a2\r\n');
    expect(two.socket.written).to.equal('+K b1\r\n');
  });

  it('answers a protocol error in its place after the commands that waited before it', async () => {
    const admission = new Admission(1);
    const { socket, dispatcher } = open(admission);
    socket.send(['K', 'a'], ['K', 'b']);
    socket.emit('data', Buffer.from('*1\r\n$x\r\n', 'latin1'));
    await settleTicks();
    expect(socket.written).to.equal('');
    dispatcher.settle('K a');
    await settleTicks();
    dispatcher.settle('K b');
    await settleTicks();
    expect(socket.written).to.match(/^\+K a\r\n\+K b\r\n-ERR Protocol error: [^\r]+\r\n$/);
  });

  it('forgets a closed connection and what it still had waiting', async () => {
    const admission = new Admission(1);
    const dispatcher = new FakeDispatcher();
    const one = open(admission, dispatcher);
    const two = open(admission, dispatcher);
    one.socket.send(['K', 'a']);
    two.socket.send(['K', 'b'], ['K', 'c']);
    await settleTicks();
    expect(admission.waitingCommands).to.equal(2);
    two.socket.emit('close');
    expect([admission.waitingCommands, admission.waitingConnections]).to.deep.equal([0, 0]);
    dispatcher.settle('K a');
    await settleTicks();
    expect(dispatcher.started).to.deep.equal(['K a']);
    expect(admission.running).to.equal(0);
  });

  it('lets a client that has not authenticated run its commands without waiting', async () => {
    const admission = new Admission(1);
    const socket = new FakeSocket();
    const dispatcher = new FakeDispatcher();
    const c = { ...client(), authenticated: false };
    new Connection(socket as unknown as Socket, c, dispatcher as unknown as Dispatcher, DEFAULT_LIMITS, pino({ level: 'silent' }), admission);
    socket.send(['K', 'a'], ['K', 'b']);
    await settleTicks();
    expect(dispatcher.started).to.deep.equal(['K a', 'K b']);
  });
});
