/**
 * The ceiling for a Node.js server on this machine: `node dist/bench/bare-map-server.js PORT`
 * answers SET and GET from a Map over RESP with nothing else (no versions, no store, no
 * validation), one coalesced write per socket read. Run redis-benchmark against it and against
 * redis-server side by side to see how much of the gap to redis any Node process has
 * (bench/README.md, "The ceiling").
 */
import net from 'node:net';

const OK = Buffer.from('+OK\r\n');
const NIL = Buffer.from('$-1\r\n');
const CRLF = Buffer.from('\r\n');
const values = new Map<string, Buffer>();

/** the commands of `buf` from `at` that arrived whole; stops at the first partial one */
function parse(buf: Buffer, at: number, out: Buffer[][]): number {
  let p = at;
  for (;;) {
    if (p >= buf.length || buf[p] !== 0x2a) return p; // '*'
    const end = buf.indexOf(13, p);
    if (end < 0) return p;
    const n = Number(buf.toString('latin1', p + 1, end));
    let q = end + 2;
    const args: Buffer[] = [];
    for (let i = 0; i < n; i++) {
      const e = buf.indexOf(13, q);
      if (e < 0) return p;
      const len = Number(buf.toString('latin1', q + 1, e));
      const start = e + 2;
      if (start + len + 2 > buf.length) return p;
      args.push(buf.subarray(start, start + len));
      q = start + len + 2;
    }
    out.push(args);
    p = q;
  }
}

function answer(args: Buffer[]): Buffer[] {
  const cmd = args[0]?.toString('latin1').toUpperCase();
  if (cmd === 'SET' && args.length >= 3) {
    values.set(args[1]!.toString('latin1'), Buffer.from(args[2]!));
    return [OK];
  }
  if (cmd === 'GET' && args.length >= 2) {
    const v = values.get(args[1]!.toString('latin1'));
    return v === undefined ? [NIL] : [Buffer.from(`$${v.length}\r\n`), v, CRLF];
  }
  if (cmd === 'CONFIG') return [Buffer.from('*0\r\n')];
  return [Buffer.from(`-ERR unknown command\r\n`)];
}

const port = Number(process.argv[2] ?? 7400);
net
  .createServer((socket) => {
    socket.setNoDelay(true);
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const buf = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      const commands: Buffer[][] = [];
      pending = buf.subarray(parse(buf, 0, commands));
      if (commands.length === 0) return;
      socket.write(Buffer.concat(commands.flatMap(answer)));
    });
  })
  .listen(port, '127.0.0.1', () => console.log(`bare Map server on 127.0.0.1:${port}`));
