/**
 * Reply values as command handlers return them, independent of the protocol version. The
 * encoder (encoder.ts) turns them into RESP2 or RESP3 bytes.
 *
 *   Buffer | string         bulk string (a string is UTF-8 encoded)
 *   number | bigint         integer
 *   null                    nil (RESP2 `$-1`, RESP3 `_`)
 *   Reply[]                 array
 *   SimpleString            `+OK`
 *   ErrorReply              `-ERR ...`; the message starts with its code (ERR, WRONGTYPE, NOQUORUM ...)
 *   NullArray               RESP2 `*-1`, RESP3 `_`
 *   MapReply                RESP3 `%`, RESP2 flat array of key, value, ...
 *   DoubleReply             RESP3 `,`, RESP2 bulk string
 *   VerbatimReply           RESP3 `=` (txt), RESP2 bulk string
 *   SetReply                RESP3 `~`, RESP2 array
 */
export type Reply =
  | Buffer
  | string
  | number
  | bigint
  | null
  | readonly Reply[]
  | SimpleString
  | ErrorReply
  | NullArray
  | MapReply
  | DoubleReply
  | VerbatimReply
  | SetReply;

export class SimpleString {
  constructor(readonly value: string) {}
}

export class ErrorReply {
  /** `message` is the full text after the '-', e.g. "ERR syntax error" */
  constructor(readonly message: string) {}
}

export class NullArray {}

export class MapReply {
  constructor(readonly entries: ReadonlyArray<readonly [Reply, Reply]>) {}
}

export class DoubleReply {
  constructor(readonly value: number) {}
}

export class VerbatimReply {
  constructor(readonly text: string) {}
}

export class SetReply {
  constructor(readonly items: readonly Reply[]) {}
}

export const OK = new SimpleString('OK');
export const NULL_ARRAY = new NullArray();
