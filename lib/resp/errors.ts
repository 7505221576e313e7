/**
 * Errors a command can answer with. The message is the full RESP error text; its first word is
 * the stable code clients see (ERR, WRONGTYPE, NOAUTH, WRONGPASS, NOQUORUM, ...). Handlers throw
 * these; toErrorReply is the one place that turns any error into a RESP error reply.
 */
import { ErrorReply } from './reply';

export class CommandError extends Error {
  readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
    const sp = message.indexOf(' ');
    this.code = sp > 0 ? message.slice(0, sp) : message;
  }
}

export const Errors = {
  syntax: () => new CommandError('ERR syntax error'),
  notInteger: () => new CommandError('ERR value is not an integer or out of range'),
  notFloat: () => new CommandError('ERR value is not a valid float'),
  wrongArgs: (fullName: string) => new CommandError(`ERR wrong number of arguments for '${fullName}' command`),
  unknownSubcommand: (sub: string, cmd: string) =>
    new CommandError(`ERR unknown subcommand '${printable(sub, 128)}'. Try ${cmd.toUpperCase()} HELP.`),
  invalidExpire: (cmd: string) => new CommandError(`ERR invalid expire time in '${cmd}' command`),
  noAuth: () => new CommandError('NOAUTH Authentication required.'),
  wrongPass: () => new CommandError('WRONGPASS invalid username-password pair or user is disabled.'),
  noKey: () => new CommandError('ERR no such key'),
  outOfRange: (what = 'offset') => new CommandError(`ERR ${what} is out of range`),
  maxLen: () => new CommandError('ERR string exceeds maximum allowed size (proto-max-bulk-len)'),
  noTransactions: () =>
    new CommandError('ERR MULTI is not supported: quorumkv has no transactions; the commands up to EXEC or DISCARD will be refused, none applied'),
  refusedInMulti: () =>
    new CommandError('ERR command not run: it follows a refused MULTI (no transactions); send EXEC or DISCARD to end it'),
};

export function printable(s: string, max: number): string {
  return s.slice(0, max).replace(/[\r\n]/g, ' ');
}

export function unknownCommand(args: readonly Buffer[]): CommandError {
  // Redis 7: "unknown command '%.128s', with args beginning with: " + "'%.*s' " per arg while < 128 chars
  let list = '';
  for (let i = 1; i < args.length && list.length < 128; i++) {
    list += `'${args[i].toString('latin1').slice(0, 128 - list.length)}' `;
  }
  const name = printable(args[0].toString('latin1'), 128);
  return new CommandError(`ERR unknown command '${name}', with args beginning with: ${printable(list, 1024)}`);
}

/** any thrown value → the RESP error reply; `code` fields of lower layers map here */
export function toErrorReply(err: unknown): ErrorReply {
  if (err instanceof CommandError) return new ErrorReply(err.message);
  const e = err as { code?: unknown; message?: unknown };
  const msg = typeof e?.message === 'string' ? e.message : String(err);
  switch (e?.code) {
    case 'NOQUORUM':
      return new ErrorReply(msg.startsWith('NOQUORUM') ? msg : `NOQUORUM ${msg}`);
    case 'BAD_CONTEXT':
      return new ErrorReply(`ERR invalid context: ${printable(msg, 200)}`);
    case 'STORE_NOT_OPEN':
    case 'STORE_WRITE_FAILED':
      return new ErrorReply(`IOERR ${printable(msg, 200)}`);
    default:
      return new ErrorReply(`ERR internal error: ${printable(msg, 200)}`);
  }
}
