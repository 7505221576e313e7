/**
 * A TCP proxy in front of one node's cluster port, to partition real processes. Peers reach the
 * node through it (the node announces the proxy's port with `cluster-announce-bus-port`) and each
 * peer connects from a loopback address of its own (`bind-source-addr`), so the proxy knows which
 * peer every connection comes from.
 *
 * `cut(sources)` makes the link silent for those peers, as a real partition does: what either side
 * sends is dropped, nothing is refused or reset, and the nodes find out only by timing out. New
 * connections from a cut peer are accepted and stay silent. `heal()` closes the silenced
 * connections (a TCP connection that a partition outlasted is dead on both sides), so the peers
 * reconnect and talk again.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

interface Link {
  readonly source: string;
  readonly client: Socket;
  upstream: Socket | null;
  silenced: boolean;
}

export class PeerProxy {
  private readonly links = new Set<Link>();
  private readonly cutOff = new Set<string>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly targetPort: number,
  ) {
    server.on('connection', (client) => this.accept(client));
  }

  /** a proxy on 127.0.0.1 (a free port) in front of 127.0.0.1:targetPort */
  static async start(targetPort: number): Promise<PeerProxy> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    return new PeerProxy(server, (server.address() as { port: number }).port, targetPort);
  }

  /** from now on, connections from these source addresses are silent (existing ones too) */
  cut(sources: Iterable<string>): void {
    for (const s of sources) this.cutOff.add(s);
    for (const link of this.links) if (this.cutOff.has(link.source)) link.silenced = true;
  }

  /** every source may talk again; connections silenced by a cut are closed */
  heal(): void {
    this.cutOff.clear();
    for (const link of [...this.links]) if (link.silenced) this.drop(link);
  }

  /** connections through the proxy now, silenced ones included */
  get connections(): number {
    return this.links.size;
  }

  async close(): Promise<void> {
    for (const link of [...this.links]) this.drop(link);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    const source = normalize(client.remoteAddress);
    const link: Link = { source, client, upstream: null, silenced: this.cutOff.has(source) };
    this.links.add(link);
    client.on('error', () => this.drop(link));
    client.on('close', () => this.drop(link));
    client.on('data', (chunk: Buffer) => {
      if (!link.silenced) link.upstream?.write(chunk);
    });
    const upstream = createConnection({ host: '127.0.0.1', port: this.targetPort });
    link.upstream = upstream;
    upstream.setNoDelay(true);
    client.setNoDelay(true);
    upstream.on('error', () => this.drop(link));
    upstream.on('close', () => this.drop(link));
    upstream.on('data', (chunk: Buffer) => {
      if (!link.silenced) client.write(chunk);
    });
  }

  private drop(link: Link): void {
    if (!this.links.delete(link)) return;
    link.client.destroy();
    link.upstream?.destroy();
  }
}

/** IPv4-mapped IPv6 (::ffff:127.0.0.2) as plain IPv4 */
function normalize(address: string | undefined): string {
  const a = address ?? '?';
  return a.toLowerCase().startsWith('::ffff:') ? a.slice(7) : a;
}
