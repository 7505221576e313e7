/**
 * The node's pino logger, configured from the `loglevel` and `logfile` directives. Redis's level
 * names map onto pino's: debug and verbose → debug, notice → info, warning → warn (info, warn and
 * error are accepted as themselves). Output is one JSON line per entry, to stdout or appended to
 * the log file, written asynchronously (pino flushes it when the process exits). Modules log
 * through `logger.child({ module: '...' })`.
 */
import { openSync } from 'node:fs';
import pino from 'pino';
import { ConfigError } from '../config/errors';

export interface LoggerOptions {
  /** a `loglevel` value: debug, verbose, notice, warning (or info, warn, error) */
  readonly level: string;
  /** a `logfile` value: '' = stdout */
  readonly logfile: string;
  /** added to every entry when known */
  readonly nodeId?: string;
}

const LEVELS: ReadonlyMap<string, pino.Level> = new Map<string, pino.Level>([
  ['debug', 'debug'],
  ['verbose', 'debug'],
  ['notice', 'info'],
  ['info', 'info'],
  ['warning', 'warn'],
  ['warn', 'warn'],
  ['error', 'error'],
]);

/** the pino level for a Redis (or pino) level name; throws ConfigError for anything else */
export function pinoLevelFor(level: string): pino.Level {
  const mapped = LEVELS.get(level.toLowerCase());
  if (mapped === undefined) {
    throw new ConfigError('loglevel', 'loglevel', `unknown log level '${level}'`);
  }
  return mapped;
}

/**
 * The file is opened here, synchronously, so a log file that cannot be opened stops start-up
 * with a ConfigError instead of failing later inside the stream.
 */
export function createLogger(opts: LoggerOptions): pino.Logger {
  const level = pinoLevelFor(opts.level);
  const fd = opts.logfile === '' ? 1 : openLogFile(opts.logfile);
  const destination = pino.destination({ dest: fd, sync: false });
  return pino(
    {
      level,
      base: opts.nodeId === undefined ? { pid: process.pid } : { pid: process.pid, nodeId: opts.nodeId },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** a logger that writes nothing: for tests and for modules used without one */
export function nullLogger(): pino.Logger {
  return pino({ level: 'silent' });
}

function openLogFile(path: string): number {
  try {
    return openSync(path, 'a');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError('logfile', 'logfile', `cannot open '${path}' for appending: ${reason}`);
  }
}
