/**
 * `npm start` (bin/local-cluster [--conf-dir DIR]): the local cluster of conf/*.conf as child
 * processes of this one. Each node's output is prefixed with its name; once every node answers
 * PING and sees all the others (INFO cluster: cluster_known_nodes), one "ready" line and a hint
 * are printed. SIGINT / SIGTERM / SIGHUP stop all nodes (SIGTERM, then SIGKILL after 5 s) and
 * exit 0; a node that dies on its own stops the others and exits 1.
 *
 * The nodes run with cwd = the project root, so the relative `dir ./data/nodeN` of conf/ lands in
 * ./data/. They are spawned in their own process group: a terminal Ctrl-C reaches only this
 * process, which then stops them in order (and kills them if it exits any other way).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { parseConfig, ConfigError } from '../config';

const STOP_GRACE_MS = 5000;
const POLL_MS = 250;
const SLOW_START_MS = 30000;

export interface ClusterNodeSpec {
  readonly name: string;
  readonly confFile: string;
  /** where to reach its RESP port */
  readonly host: string;
  readonly port: number;
  readonly password: string | null;
}

interface Running {
  readonly spec: ClusterNodeSpec;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  alive: boolean;
}

const USAGE = 'Usage: local-cluster [--conf-dir DIR]   (default DIR: <project>/conf; starts every DIR/*.conf)\n';

/** the project root: the first directory above this file holding quorumkv's package.json */
export function projectRoot(from = __dirname): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'quorumkv' && fs.existsSync(path.join(dir, 'bin', 'quorumkv-server'))) return dir;
    } catch {
      // keep looking
    }
  }
  throw new Error(`cannot find the quorumkv project root above ${from}`);
}

/** the nodes of DIR/*.conf (sorted by name), validated as quorumkv-server would; throws ConfigError */
export function readClusterConf(confDir: string): ClusterNodeSpec[] {
  let files: string[];
  try {
    files = fs.readdirSync(confDir).filter((f) => f.endsWith('.conf'));
  } catch (err) {
    throw new Error(`cannot read the config directory ${confDir}: ${(err as Error).message}`);
  }
  files.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (files.length === 0) throw new Error(`no *.conf files in ${confDir}`);
  const specs = files.map((f): ClusterNodeSpec => {
    const confFile = path.resolve(confDir, f);
    const config = parseConfig({ fileName: confFile, text: fs.readFileSync(confFile, 'utf8'), argv: [] });
    const bind = config.bind[0] ?? '127.0.0.1';
    const host = bind === '0.0.0.0' || bind === '::' || bind === '*' ? '127.0.0.1' : bind.replace(/^-/, '');
    return { name: path.basename(f, '.conf'), confFile, host, port: config.port, password: config.requirepass };
  });
  const ports = new Set(specs.map((s) => s.port));
  if (ports.size !== specs.length) throw new Error(`two config files in ${confDir} use the same port`);
  return specs;
}

function encodeCommand(args: readonly string[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('');
}

/** `count` replies (simple, error, integer or bulk; nil as '') from buf, or null while incomplete */
function parseReplies(buf: Buffer, count: number): string[] | null {
  const out: string[] = [];
  let at = 0;
  while (out.length < count) {
    const eol = buf.indexOf('\r\n', at);
    if (eol < 0) return null;
    const type = String.fromCharCode(buf[at] ?? 0);
    const line = buf.toString('latin1', at + 1, eol);
    if (type !== '$') {
      out.push(type + line);
      at = eol + 2;
      continue;
    }
    const len = Number(line);
    if (len < 0) {
      out.push('');
      at = eol + 2;
      continue;
    }
    if (buf.length < eol + 2 + len + 2) return null;
    out.push(buf.toString('utf8', eol + 2, eol + 2 + len));
    at = eol + 4 + len;
  }
  return out;
}

/** sends the commands on a fresh connection; their replies, or null on any failure */
export function respCall(host: string, port: number, cmds: ReadonlyArray<readonly string[]>, timeoutMs = 1000): Promise<string[] | null> {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    const s = net.connect(port, host);
    const done = (v: string[] | null) => {
      clearTimeout(timer);
      s.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    s.on('connect', () => s.write(cmds.map(encodeCommand).join('')));
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const replies = parseReplies(buf, cmds.length);
      if (replies) done(replies);
    });
    s.on('error', () => done(null));
    s.on('close', () => done(null));
  });
}

/** true when the node answers PING and knows `expected` nodes */
export async function nodeFormed(spec: ClusterNodeSpec, expected: number): Promise<boolean> {
  const auth = spec.password === null ? [] : [['AUTH', spec.password]];
  const replies = await respCall(spec.host, spec.port, [...auth, ['PING'], ['INFO', 'cluster']]);
  if (!replies) return false;
  const [pong, info] = replies.slice(auth.length);
  const known = /cluster_known_nodes:(\d+)/.exec(info ?? '');
  return pong === '+PONG' && known !== null && Number(known[1]) >= expected;
}

const COLORS = [36, 33, 35, 32, 34, 31];

export function main(argv: string[]): void {
  const out = (s: string) => process.stdout.write(s);
  const fail = (message: string, code = 1): never => {
    process.stderr.write(`local-cluster: ${message}\n`);
    process.exit(code);
  };
  let confDir: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') return void out(USAGE);
    if (a === '--conf-dir' && argv[i + 1] !== undefined) confDir = argv[++i] ?? null;
    else fail(`unexpected argument '${a}'\n${USAGE}`, 2);
  }
  const root = projectRoot();
  let specs: ClusterNodeSpec[] = [];
  try {
    specs = readClusterConf(path.resolve(confDir ?? path.join(root, 'conf')));
  } catch (err) {
    fail(err instanceof ConfigError ? err.message : (err as Error).message);
  }
  const width = Math.max(...specs.map((s) => s.name.length), 'local-cluster'.length);
  const tty = process.stdout.isTTY === true;
  const label = (name: string, i: number) => {
    const padded = name.padEnd(width);
    return tty && i >= 0 ? `\x1b[${COLORS[i % COLORS.length]}m${padded} |\x1b[0m ` : `${padded} | `;
  };
  const say = (msg: string) => out(`${label('local-cluster', -1)}${msg}\n`);

  const server = path.join(root, 'bin', 'quorumkv-server');
  const nodes: Running[] = specs.map((spec, i) => {
    const child = spawn(process.execPath, [server, spec.confFile], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const prefix = label(spec.name, i);
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (l) => out(prefix + l + '\n'));
    }
    const r: Running = {
      spec,
      child,
      alive: true,
      exited: new Promise((resolve) => {
        child.once('close', (code, signal) => {
          r.alive = false;
          onExit(r, code, signal);
          resolve();
        });
      }),
    };
    child.once('error', (err) => say(`${spec.name}: cannot start: ${err.message}`));
    return r;
  });
  say(`started ${nodes.map((n) => `${n.spec.name} (pid ${n.child.pid}, ${n.spec.host}:${n.spec.port})`).join(', ')}`);

  let stopping = false;
  let exitCode = 0;
  let reason = '';
  let pollTimer: NodeJS.Timeout | null = null;
  function onExit(r: Running, code: number | null, signal: NodeJS.Signals | null): void {
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (stopping) {
      if (code !== 0) exitCode = 1;
      say(`${r.spec.name} exited (${how})`);
      return;
    }
    reason = `${r.spec.name} exited unexpectedly (${how})`;
    say(`${reason}; stopping the other nodes`);
    stop(1);
  }
  function stop(code: number): void {
    if (pollTimer) clearTimeout(pollTimer);
    if (stopping) return;
    stopping = true;
    exitCode = code;
    const alive = nodes.filter((n) => n.alive);
    if (alive.length > 0) say(`stopping ${alive.map((n) => n.spec.name).join(', ')}`);
    for (const n of alive) n.child.kill('SIGTERM');
    const killer = setTimeout(() => {
      for (const n of nodes.filter((x) => x.alive)) {
        say(`${n.spec.name} still running after ${STOP_GRACE_MS / 1000} s: SIGKILL`);
        n.child.kill('SIGKILL');
        exitCode = 1;
      }
    }, STOP_GRACE_MS);
    void Promise.all(nodes.map((n) => n.exited)).then(() => {
      clearTimeout(killer);
      say(exitCode === 0 ? 'all nodes stopped' : `all nodes stopped; exiting with code ${exitCode}${reason ? ` because ${reason}` : ''}`);
      process.exit(exitCode);
    });
  }
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (stopping) say(`${sig} again: still stopping (SIGKILL after ${STOP_GRACE_MS / 1000} s)`);
      else say(`${sig}: stopping the cluster`);
      stop(exitCode);
    });
  }
  process.on('exit', () => {
    for (const n of nodes) if (n.alive) n.child.kill('SIGKILL');
  });

  const startedAt = Date.now();
  let warned = false;
  const poll = async (): Promise<void> => {
    const formed = await Promise.all(specs.map((s) => nodeFormed(s, specs.length)));
    if (stopping) return;
    if (formed.every(Boolean)) {
      const first = specs[0]!;
      say(`cluster ready: ${specs.length} nodes (${specs.map((s) => `${s.name} ${s.host}:${s.port}`).join(', ')})`);
      say(`try: redis-cli -p ${first.port}   or, cluster-aware: redis-cli -c -p ${first.port}   (Ctrl-C stops all nodes)`);
      return;
    }
    if (!warned && Date.now() - startedAt > SLOW_START_MS) {
      warned = true;
      const late = specs.filter((_, i) => !formed[i]).map((s) => s.name);
      say(`still waiting for ${late.join(', ')} to answer PING and see all ${specs.length} nodes`);
    }
    pollTimer = setTimeout(() => void poll(), POLL_MS);
  };
  pollTimer = setTimeout(() => void poll(), POLL_MS);
}
