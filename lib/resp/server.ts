/** The RESP listener: accepts clients, keeps the client registry, enforces maxclients and idle timeouts. */
import net from 'node:net';
import type { Logger } from 'pino';
import { Connection } from './connection';
import { Admission } from './admission';
import type { Dispatcher } from './dispatcher';
import type { ParserLimits } from './limits';
import type { AdmissionStats, ClientRegistry, ClientState, NetBytes, ServerContext } from './context';

export interface RespServerOptions {
  readonly bind: readonly string[];
  readonly port: number;
  readonly limits: ParserLimits;
  readonly maxclients: number;
  /** client commands run at once, node-wide (0: no bound) */
  readonly maxRunningCommands: number;
  /** idle seconds before a client is closed; 0 = never */
  readonly idleTimeout: number;
  readonly requirepass: string | null;
}

/** how long a client refused over maxclients may keep its socket open after the error */
const REFUSED_LINGER_MS = 5000;

export class RespServer implements ClientRegistry {
  private readonly servers: net.Server[] = [];
  private readonly conns = new Map<number, { conn: Connection; socket: net.Socket }>();
  private nextId = 1;
  private closedBytesRead = 0;
  private closedBytesWritten = 0;
  private readonly gate: Admission;
  /** clients refused over maxclients whose sockets have not closed yet */
  private readonly refused = new Set<net.Socket>();

  constructor(
    private readonly opts: RespServerOptions,
    private readonly dispatcher: Dispatcher,
    private readonly server: ServerContext,
    private readonly log: Logger,
  ) {
    this.gate = new Admission(opts.maxRunningCommands === 0 ? Infinity : opts.maxRunningCommands);
  }

  async listen(): Promise<void> {
    for (const host of this.opts.bind) {
      const srv = net.createServer((socket) => this.accept(socket));
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(this.opts.port, host, () => {
          srv.off('error', reject);
          resolve();
        });
      });
      srv.on('error', (err) => this.log.error({ err }, 'client listener error'));
      this.servers.push(srv);
    }
  }

  async close(): Promise<void> {
    for (const { socket } of this.conns.values()) socket.destroy();
    for (const socket of this.refused) socket.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }

  list(): ClientState[] {
    return [...this.conns.values()].map((c) => c.conn.client);
  }

  get(id: number): ClientState | undefined {
    return this.conns.get(id)?.conn.client;
  }

  kill(id: number): boolean {
    const c = this.conns.get(id);
    if (!c) return false;
    c.socket.destroy();
    return true;
  }

  /** the counts of closed sockets plus each open socket's own (net.Socket keeps them): nothing per read or write */
  netBytes(): NetBytes {
    let input = this.closedBytesRead;
    let output = this.closedBytesWritten;
    for (const { socket } of this.conns.values()) {
      input += socket.bytesRead;
      output += socket.bytesWritten;
    }
    return { input, output };
  }

  admission(): AdmissionStats {
    const a = this.gate;
    return { running: a.running, limit: this.opts.maxRunningCommands, waitingClients: a.waitingConnections, waitingCommands: a.waitingCommands, delayed: a.delayed };
  }

  /**
   * Answers a client over maxclients with Redis's error and closes it. What the client sends is
   * read and dropped: a socket never read never sees the client's close, so it stayed open for
   * good (a file descriptor each) and the listener's close() waited on it at shutdown. One that
   * does not close within REFUSED_LINGER_MS after the error is destroyed.
   */
  private refuse(socket: net.Socket): void {
    this.refused.add(socket);
    socket.on('close', () => this.refused.delete(socket));
    socket.setTimeout(REFUSED_LINGER_MS, () => socket.destroy());
    socket.resume();
    socket.end('-ERR max number of clients reached\r\n');
  }

  private accept(socket: net.Socket): void {
    const stats = this.server.stats;
    stats.connectionsReceived++;
    socket.on('error', (err) => this.log.debug({ err: err.message }, 'client socket error'));
    if (this.conns.size >= this.opts.maxclients) {
      stats.rejectedConnections++;
      this.refuse(socket);
      return;
    }
    const id = this.nextId++;
    const now = this.server.clock.now();
    let conn: Connection | undefined;
    const client: ClientState = {
      id,
      addr: `${socket.remoteAddress}:${socket.remotePort}`,
      laddr: `${socket.localAddress}:${socket.localPort}`,
      createdAt: now,
      lastActive: now,
      name: '',
      lib: { name: '', ver: '' },
      proto: 2,
      authenticated: !this.opts.requirepass,
      quorum: null,
      readonly: false,
      lastCommand: 'NULL',
      closeAfterReply: false,
      inMulti: false,
      forwarded: false,
      stats: () => ({ qbuf: conn?.queuedBytes() ?? 0, obl: conn?.outputBytes() ?? 0 }),
    };
    // last interaction, as in Redis: a read from the client (before its commands run), not each command
    const clock = this.server.clock;
    socket.on('data', () => (client.lastActive = clock.now()));
    conn = new Connection(socket, client, this.dispatcher, this.opts.limits, this.log, this.gate);
    this.conns.set(id, { conn, socket });
    if (this.opts.idleTimeout > 0) {
      socket.setTimeout(this.opts.idleTimeout * 1000, () => socket.destroy());
    }
    socket.on('close', () => {
      this.conns.delete(id);
      this.closedBytesRead += socket.bytesRead;
      this.closedBytesWritten += socket.bytesWritten;
    });
  }
}
