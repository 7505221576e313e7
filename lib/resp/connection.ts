/**
 * One client connection: parse requests, run them through the dispatcher, answer in order with
 * one coalesced socket write per tick. Commands on different keys of one pipeline run
 * concurrently; commands on the same key run in order (key locks); a keyless command (PING,
 * AUTH, DBSIZE, ...) runs after everything before it and before everything after it.
 */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { RequestParser } from './request-parser';
import type { ParserLimits } from './limits';
import type { ProtocolError } from './protocol-error';
import type { ClientState } from './context';
import type { Dispatcher } from './dispatcher';
import { ErrorReply, type Reply } from './reply';
import { encodeReply } from './encoder';
import type { Admission, AdmissionWaiter } from './admission';
import { atTurnEnd, TurnStage } from '../util/turn-end';

function isPromise(x: Reply | Promise<Reply>): x is Promise<Reply> {
  return x instanceof Promise;
}

interface Slot {
  done: boolean;
  reply: Reply;
  /** close the connection once this reply is written (QUIT, protocol errors) */
  close: boolean;
  /** the group of keyed commands this one counts in until it settles */
  group: KeyedGroup | null;
}

/**
 * The keyed commands dispatched between two keyless ones: a keyless command waits until the
 * group before it has settled. A count, not a list of promises: a client that always has
 * commands in flight must not make the connection keep every one it ever sent.
 */
interface KeyedGroup {
  pending: number;
  /** resolves the wait of the keyless command after this group, once pending reaches 0 */
  idle: (() => void) | null;
}

const newGroup = (): KeyedGroup => ({ pending: 0, idle: null });

/** answered slots at the front of the queue past which it is compacted while still busy */
const COMPACT_AT = 1024;

/**
 * Pause reading while this many replies are pending or this many bytes wait to be written; past
 * MAX_OUTPUT_BYTES the connection also starts no more of its commands (they wait parsed, in its
 * backlog) until the client has read enough: one socket read can hold thousands of commands, and
 * 4,200 GETs of a 1 MB value once made 4.4 GB of replies (and a Buffer.concat past its limit
 * that killed the node); a client that never read its replies grew the node without bound.
 */
const MAX_PENDING_REPLIES = 4096;
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
/** replies waiting to be written past this size go to the socket one by one, not concatenated */
const MAX_CONCAT_BYTES = 16 * 1024 * 1024;

export class Connection implements AdmissionWaiter {
  private readonly parser: RequestParser;
  private readonly slots: Slot[] = [];
  private head = 0;
  private out: Buffer[] = [];
  /** bytes in `out` */
  private outBytes = 0;
  /**
   * The backlog waits for the client to read its replies (MAX_OUTPUT_BYTES), not for the node's
   * admission bound: the connection is out of Admission's line, its backlog not counted there.
   */
  private held = false;
  private writeScheduled = false;
  private closing = false;
  private paused = false;
  /** completion of the last keyless command */
  private barrier: Promise<unknown> | null = null;
  /** keyed commands dispatched since that keyless command */
  private group: KeyedGroup = newGroup();
  /** commands (or a protocol error) parsed while the node was at its admission bound, in order */
  private backlog: Array<Buffer[] | ProtocolError> | null = null;
  /**
   * Per key (latin1), settling when this connection's last command on the key has: a later
   * command on it waits for that. Reads, plain SET and VSET take no key lock (Dispatcher), so this is what
   * keeps a pipeline's commands on one key in order; for the others the lock did it already.
   */
  private readonly keyTails = new Map<string, Promise<void>>();

  constructor(
    private readonly socket: Socket,
    readonly client: ClientState,
    private readonly dispatcher: Dispatcher,
    limits: ParserLimits,
    private readonly log: Logger,
    private readonly admission: Admission,
  ) {
    this.parser = new RequestParser(limits, {
      onCommand: (args) => this.onCommand(args),
      onError: (err) => this.onProtocolError(err),
    });
    this.parser.authenticated = client.authenticated;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (!this.closing) this.parser.feed(chunk);
    });
    socket.on('drain', () => this.maybeResume());
    socket.on('close', () => admission.forget(this, this.held ? 0 : (this.backlog?.length ?? 0)));
  }

  queuedBytes(): number {
    return this.parser.bufferedBytes();
  }

  outputBytes(): number {
    return this.socket.writableLength;
  }

  /** reply slots kept: those not yet written, and written ones until the queue is compacted */
  get queuedSlots(): number {
    return this.slots.length;
  }

  private onCommand(args: Buffer[]): void {
    if (this.closing) return;
    if (this.backlog !== null) {
      this.backlog.push(args);
      if (!this.held) this.admission.delay(this);
      if (this.slots.length - this.head + this.backlog.length > MAX_PENDING_REPLIES) this.pause();
      return;
    }
    if (this.outputFull()) {
      this.backlog = [args];
      this.held = true;
      this.pause();
      return;
    }
    // before AUTH the parser's limits depend on each command's outcome: such a client never waits
    if (this.admission.full && this.client.authenticated) {
      this.backlog = [args];
      this.admission.delay(this);
      return;
    }
    this.execute(args);
  }

  /** start up to `max` commands of the backlog, in order; true when none are left */
  admit(max: number): boolean {
    const backlog = this.backlog;
    if (backlog === null) return true;
    let i = 0;
    while (i < backlog.length && i < max && !this.closing && !this.outputFull()) {
      const next = backlog[i++];
      if (Array.isArray(next)) this.execute(next);
      else this.answerProtocolError(next);
    }
    if (this.closing) i = backlog.length; // the rest come after a QUIT or a protocol error
    this.admission.started(i);
    if (i < backlog.length) {
      backlog.splice(0, i);
      if (!this.outputFull()) return false;
      // out of the line until the client reads (see releaseHeld)
      this.admission.started(backlog.length);
      this.held = true;
      this.pause();
      return true;
    }
    this.backlog = null;
    this.maybeResume();
    return true;
  }

  private execute(args: Buffer[]): void {
    const slot: Slot = { done: false, reply: null, close: false, group: null };
    this.slots.push(slot);
    const prepared = this.dispatcher.prepare(args);
    const run = () => this.dispatcher.run(this.client, args, prepared);
    let result: Reply | Promise<Reply>;
    if (prepared.error || prepared.keys.length > 0) {
      // keyed: after any barrier and this connection's earlier commands on its keys; ordered
      // against other clients' commands on its keys by the key locks (except reads, plain SET, VSET)
      const keys = prepared.keys ?? [];
      let earlier: Array<Promise<unknown>> | null = this.barrier ? [this.barrier] : null;
      if (this.keyTails.size > 0) {
        for (const k of keys) {
          const t = this.keyTails.get(k.toString('latin1'));
          if (t !== undefined) (earlier ??= []).push(t);
        }
      }
      result = earlier === null ? run() : earlier.length === 1 ? earlier[0].then(run) : Promise.all(earlier).then(run);
      if (isPromise(result)) {
        slot.group = this.group;
        this.group.pending++;
        if (keys.length > 0) this.trackKeys(keys, result);
      }
    } else if (this.barrier === null && this.group.pending === 0) {
      result = run();
      if (isPromise(result)) this.barrier = result;
    } else {
      const group = this.group;
      const settled = group.pending === 0 ? null : new Promise<void>((resolve) => (group.idle = resolve));
      const p: Promise<Reply> = Promise.all([this.barrier, settled]).then(run);
      result = p;
      this.barrier = p;
      this.group = newGroup();
    }
    if (isPromise(result)) {
      const admission = this.admission;
      admission.enter();
      result.then(
        (r) => {
          this.complete(slot, r);
          admission.leave();
        },
        (err: unknown) => {
          this.complete(slot, new ErrorReply(`ERR internal error: ${String(err)}`));
          admission.leave();
        },
      );
      if (this.slots.length - this.head > MAX_PENDING_REPLIES) this.pause();
    } else {
      this.complete(slot, result);
    }
  }

  /** until `result` settles, later commands of this connection on `keys` wait for it */
  private trackKeys(keys: readonly Buffer[], result: Promise<Reply>): void {
    const names = keys.map((k) => k.toString('latin1'));
    const done = (): void => {
      for (const n of names) if (this.keyTails.get(n) === tail) this.keyTails.delete(n);
    };
    const tail: Promise<void> = result.then(done, done);
    for (const n of names) this.keyTails.set(n, tail);
  }

  private complete(slot: Slot, reply: Reply): void {
    slot.done = true;
    slot.reply = reply;
    const group = slot.group;
    if (group !== null && --group.pending === 0 && group.idle !== null) group.idle();
    if (this.client.closeAfterReply) {
      slot.close = true;
      this.client.closeAfterReply = false;
      this.closing = true;
    }
    this.parser.authenticated = this.client.authenticated;
    if (this.slots[this.head] === slot) this.drainReady();
  }

  private drainReady(): void {
    while (this.head < this.slots.length && this.slots[this.head].done) {
      const slot = this.slots[this.head++];
      const from = this.out.length;
      encodeReply(slot.reply, this.client.proto, this.out);
      for (let k = from; k < this.out.length; k++) this.outBytes += this.out[k].length;
      slot.reply = null;
      if (slot.close) {
        this.flush();
        this.socket.end();
        return;
      }
    }
    if (this.head === this.slots.length) {
      this.slots.length = 0;
      this.head = 0;
      // every command has answered: nothing is in flight to order against
      this.barrier = null;
      this.group = newGroup();
    } else if (this.head >= COMPACT_AT) {
      // a client that never lets its pipeline empty: drop the answered slots anyway
      this.slots.splice(0, this.head);
      this.head = 0;
    }
    this.scheduleWrite();
    this.maybeResume();
  }

  private scheduleWrite(): void {
    if (this.writeScheduled || this.out.length === 0) return;
    this.writeScheduled = true;
    atTurnEnd(TurnStage.OUTPUT, this.flushNow);
  }

  private readonly flushNow = (): void => this.flush();

  private flush(): void {
    this.writeScheduled = false;
    if (this.out.length === 0 || this.socket.destroyed) return;
    const out = this.out;
    const bytes = this.outBytes;
    this.out = [];
    this.outBytes = 0;
    let ok: boolean;
    if (out.length === 1 || bytes <= MAX_CONCAT_BYTES) {
      ok = this.socket.write(out.length === 1 ? out[0] : Buffer.concat(out, bytes));
    } else {
      this.socket.cork();
      for (const b of out) this.socket.write(b);
      this.socket.uncork();
      ok = this.socket.writableLength <= this.socket.writableHighWaterMark;
    }
    if (!ok || this.socket.writableLength > MAX_OUTPUT_BYTES) this.pause();
    // the socket took it at once ('drain' only follows a write it could not take)
    else if (this.held) this.maybeResume();
  }

  /** replies not yet read by the client are at the bound: start no more commands */
  private outputFull(): boolean {
    return this.outBytes + this.socket.writableLength > MAX_OUTPUT_BYTES;
  }

  /** the client read enough: the held backlog goes back in Admission's line */
  private releaseHeld(): void {
    if (!this.held || this.outputFull() || this.closing) return;
    this.held = false;
    const backlog = this.backlog;
    if (backlog === null || backlog.length === 0) {
      this.backlog = null;
      return;
    }
    this.admission.requeue(this, backlog.length);
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.socket.pause();
  }

  private maybeResume(): void {
    this.releaseHeld();
    if (!this.paused || this.held) return;
    if (this.slots.length - this.head + (this.backlog?.length ?? 0) > MAX_PENDING_REPLIES / 2) return;
    if (this.socket.writableLength > MAX_OUTPUT_BYTES / 2) return;
    this.paused = false;
    this.socket.resume();
  }

  private onProtocolError(err: ProtocolError): void {
    this.log.debug({ client: this.client.addr, err: err.message }, 'protocol error, closing client');
    if (err.code === 'QUERY_BUFFER_LIMIT') {
      // Redis closes such a client without a reply
      this.closing = true;
      this.socket.destroy();
      return;
    }
    // answered in its place among the commands before it
    if (this.backlog !== null) {
      this.backlog.push(err);
      if (!this.held) this.admission.delay(this);
    } else {
      this.answerProtocolError(err);
    }
  }

  private answerProtocolError(err: ProtocolError): void {
    const slot: Slot = { done: false, reply: null, close: false, group: null };
    this.slots.push(slot);
    this.client.closeAfterReply = true;
    this.complete(slot, err.toReply());
  }
}
