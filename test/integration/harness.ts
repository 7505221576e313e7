/**
 * Real processes for integration tests: a quorumkv node (bin/quorumkv-server, which loads dist/,
 * so these tests run after `tsc`), a reference redis-server, and redis-cli. Every process started
 * here is registered and killed by `stopAll()` (mocha after() hooks) and, as a last resort, on exit.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
export const REDIS_CLI = process.env.REDIS_CLI ?? '/usr/bin/redis-cli';

/** the repository root: dist/test/integration → ../../.. (also right when run from test/ via tsx) */
function repoRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'bin', 'quorumkv-server'))) return dir;
  }
  throw new Error('cannot find bin/quorumkv-server above ' + __dirname);
}

export const ROOT = repoRoot();
const SERVER_BIN = path.join(ROOT, 'bin', 'quorumkv-server');

const live = new Set<ServerProcess>();
process.on('exit', () => {
  for (const p of live) p.child?.kill('SIGKILL');
});

/** ports freePort handed out in this process: never handed out twice */
const handedOut = new Set<number>();

/**
 * A TCP port nothing listens on now (the OS picks it). The kernel may offer a port it offered a
 * moment ago (after the probe closed it), so a cluster asking for six ports could get one twice
 * and a node would fail to bind; a port already handed out is never handed out again.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

export function tempDir(prefix = 'qkv-it-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** one request/reply over a fresh socket; resolves with whatever arrived first, or null */
function probe(port: number, request: string, ms: number): Promise<string | null> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    const done = (v: string | null) => {
      clearTimeout(t);
      s.destroy();
      resolve(v);
    };
    const t = setTimeout(() => done(null), ms);
    s.on('connect', () => s.write(request));
    s.on('data', (d) => done(d.toString('latin1')));
    s.on('error', () => done(null));
  });
}

/** A server child process: start, stop (SIGTERM), kill -9, restart with the same arguments. */
export class ServerProcess {
  child: ChildProcess | null = null;
  private output: string[] = [];
  private exited: Promise<number | null> = Promise.resolve(null);

  constructor(
    readonly label: string,
    private readonly command: string,
    private readonly args: readonly string[],
    readonly port: number,
  ) {}

  /** the last lines the process printed (for failure messages) */
  log(lines = 40): string {
    return this.output.join('').split('\n').slice(-lines).join('\n');
  }

  async start(timeoutMs = 10000): Promise<this> {
    if (this.child) throw new Error(`${this.label} already running`);
    const child = spawn(this.command, this.args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    live.add(this);
    const collect = (d: Buffer) => {
      this.output.push(d.toString('utf8'));
      if (this.output.length > 2000) this.output.splice(0, 1000);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.output.push(`\n[${this.label} exited code=${code} signal=${signal}]\n`);
        if (this.child === child) this.child = null;
        live.delete(this);
        resolve(code);
      });
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.child) throw new Error(`${this.label} exited during start-up:\n${this.log()}`);
      // any reply means the server parses commands (PING answers NOAUTH when a password is set)
      const r = await probe(this.port, 'PING\r\n', 500);
      if (r !== null && /^[+-]/.test(r)) return this;
      await sleep(50);
    }
    await this.kill9();
    throw new Error(`${this.label} did not answer PING within ${timeoutMs} ms:\n${this.log()}`);
  }

  /** SIGTERM and wait for the exit; SIGKILL if it takes longer than timeoutMs */
  async stop(timeoutMs = 5000): Promise<number | null> {
    const child = this.child;
    if (!child) return null;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(t);
    return code;
  }

  async kill9(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.exited;
  }

  async restart(): Promise<this> {
    await this.stop();
    return this.start();
  }

  /** kill -9 and remove the data directory this harness created for it */
  async dispose(): Promise<void> {
    await this.kill9();
    if (this.ownedDir) fs.rmSync(this.ownedDir, { recursive: true, force: true });
  }

  ownedDir: string | null = null;
}

export interface NodeOptions {
  /** data directory; a fresh temp dir when omitted */
  readonly dir?: string;
  /** extra directives, e.g. ['--requirepass', 'secret'] */
  readonly args?: readonly string[];
}

export interface QuorumNodeProcess extends ServerProcess {
  readonly dir: string;
}

/** starts `node bin/quorumkv-server --port P --cluster-port Q --dir D ...` and waits for PING */
export async function startNode(opts: NodeOptions = {}): Promise<QuorumNodeProcess> {
  const port = await freePort();
  const clusterPort = await freePort();
  const dir = opts.dir ?? tempDir();
  const args = [
    SERVER_BIN,
    '--port', String(port),
    '--cluster-port', String(clusterPort),
    '--dir', dir,
    '--loglevel', 'warning',
    ...(opts.args ?? []),
  ];
  const p = new ServerProcess(`quorumkv:${port}`, process.execPath, args, port) as ServerProcess & { dir: string };
  p.dir = dir;
  if (!opts.dir) p.ownedDir = dir;
  await p.start();
  return p;
}

/** a throwaway redis-server (no persistence) to compare answers with */
export async function startRedis(extra: readonly string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  const dir = tempDir('qkv-redis-');
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra];
  const p = new ServerProcess(`redis:${port}`, REDIS_SERVER, args, port);
  p.ownedDir = dir;
  return p.start();
}

/** stops every process these tests started (for after() hooks) */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((p) => p.dispose()));
}

/** disposes the given processes (skipping ones never started), for after() hooks */
export async function disposeAll(...ps: Array<ServerProcess | undefined>): Promise<void> {
  await Promise.all(ps.map((p) => p?.dispose()));
}

export function redisAvailable(): boolean {
  return fs.existsSync(REDIS_SERVER) && fs.existsSync(REDIS_CLI);
}

/** runs `redis-cli -p PORT ...args` and resolves with its stdout (stderr appended on failure) */
export function redisCli(port: number, args: readonly string[], opts: { input?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        if (err && !stdout) reject(new Error(`redis-cli ${args.join(' ')} failed: ${err.message} ${stderr}`));
        else resolve(stdout);
      });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    else child.stdin!.end();
  });
}
