/**
 * Commands that read a key and then write it (SET NX / XX / GET, SETNX, GETSET, GETDEL, GETEX
 * with options, APPEND, SETRANGE, INCRBYFLOAT, the EXPIRE family, PERSIST: `atPrimary` in the
 * command table) run on the key's first healthy replica, under that node's key lock. Run by
 * whichever node a client reached, the same command through two nodes at once read the same old
 * value: SET NX had two winners (a lock held twice), and of two concurrent APPENDs the next
 * read-modify-write kept one sibling and dropped the other's acknowledged bytes.
 *
 * The forwarding node sends the command's arguments, the client's protocol and quorum; the
 * primary runs it as a client of its own (authenticated: the forwarder checked) and answers with
 * the reply (reply-wire.ts). When the primary changes (it failed, or the views differ for a
 * moment) two nodes may run such commands for a key at once, and siblings show it, as in Dynamo.
 * The INCR family needs none of this: increments are a CRDT.
 */
import type { PeerInfo } from '../transport/transport';
import { int, optInt, pack, unpackObject, MessageError } from '../coordinator/messages';
import { checkDeadline } from '../coordinator/replica-handlers';
import type { ClientState, ServerContext } from './context';
import type { Dispatcher } from './dispatcher';
import type { Reply } from './reply';
import { replyFromWire, replyToWire } from './reply-wire';

/**
 * `{ reply }`: the primary's reply (which may itself be nil); null when this node is the primary
 * (or there is no cluster) and runs the command itself
 */
export async function runAtPrimary(server: ServerContext, client: ClientState, key: Buffer, args: readonly Buffer[]): Promise<{ reply: Reply } | null> {
  const at = server.keyspace.atPrimary;
  if (at === undefined) return null;
  const q = client.quorum;
  const res = await at.call(server.keyspace, key, { a: args, p: client.proto, r: q?.r ?? null, w: q?.w ?? null });
  if (res === null) return null;
  return { reply: replyFromWire(unpackObject(res).y) };
}

/** serves COORDINATE_COMMAND: runs the forwarded command through this node's dispatcher */
export async function serveForwarded(dispatcher: Dispatcher, body: Buffer, from: PeerInfo, now: () => number): Promise<Buffer> {
  const m = unpackObject(body);
  checkDeadline(m, now);
  // as many arguments as the forwarding node's client sent (its proto-max-multibulk-len bounds them)
  if (!Array.isArray(m.a) || m.a.length < 2) throw new MessageError("field 'a' must be a command's arguments");
  const args = (m.a as unknown[]).map((a) => {
    if (!(a instanceof Uint8Array)) throw new MessageError("field 'a' must hold byte strings");
    return Buffer.from(a);
  });
  const proto = int(m, 'p', 2, 3) as 2 | 3;
  const r = optInt(m, 'r', 1, 255);
  const w = optInt(m, 'w', 1, 255);
  const t = now();
  const client: ClientState = {
    id: 0,
    addr: `peer:${from.id}`,
    laddr: '',
    createdAt: t,
    lastActive: t,
    name: '',
    lib: { name: '', ver: '' },
    proto,
    authenticated: true,
    quorum: r === null || w === null ? null : { r, w },
    readonly: false,
    lastCommand: 'NULL',
    closeAfterReply: false,
    inMulti: false,
    forwarded: true,
    stats: () => ({ qbuf: 0, obl: 0 }),
  };
  const reply = await dispatcher.run(client, args);
  return pack({ y: replyToWire(reply) });
}
