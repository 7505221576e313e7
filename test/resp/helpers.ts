import { RequestParser } from '../../lib/resp/request-parser';
import { DEFAULT_LIMITS, ParserLimits } from '../../lib/resp/limits';
import { ProtocolError } from '../../lib/resp/protocol-error';

export interface ParseOutcome {
  /** Each command's arguments as latin1 strings (binary safe, one char per byte). */
  commands: string[][];
  error: ProtocolError | null;
  errorCount: number;
  /** Callbacks received after the error (must stay 0). */
  afterError: number;
  parser: RequestParser;
}

export interface ParseOptions {
  limits?: ParserLimits;
  authenticated?: boolean;
}

/** Feeds the chunks to a fresh parser and records what it reported. */
export function parseChunks(chunks: readonly Buffer[], options: ParseOptions = {}): ParseOutcome {
  const outcome: ParseOutcome = {
    commands: [],
    error: null,
    errorCount: 0,
    afterError: 0,
    parser: undefined as unknown as RequestParser,
  };
  outcome.parser = new RequestParser(options.limits ?? DEFAULT_LIMITS, {
    onCommand(args) {
      if (outcome.error) outcome.afterError++;
      outcome.commands.push(args.map((a) => a.toString('latin1')));
    },
    onError(err) {
      if (outcome.error) outcome.afterError++;
      outcome.error = err;
      outcome.errorCount++;
    },
  });
  if (options.authenticated === false) outcome.parser.authenticated = false;
  for (const chunk of chunks) outcome.parser.feed(Buffer.from(chunk)); // fresh copies, as a socket gives
  return outcome;
}

/** The input whole, byte by byte, and cut in two at every position (as ioredis's decoder tests). */
export function* everySplit(input: Buffer): Generator<[string, Buffer[]]> {
  yield ['whole', [input]];
  const bytes: Buffer[] = [];
  for (let i = 0; i < input.length; i++) bytes.push(input.subarray(i, i + 1));
  yield ['byte by byte', bytes];
  for (let i = 1; i < input.length; i++) yield [`split at ${i}`, [input.subarray(0, i), input.subarray(i)]];
}

/** Cuts input into chunks of the given size. */
export function chunksOf(input: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < input.length; i += size) chunks.push(input.subarray(i, i + size));
  return chunks;
}

/** A multibulk request for the arguments (strings are latin1, i.e. one byte per char). */
export function multibulk(...args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg, 'latin1') : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

export function latin1(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}
