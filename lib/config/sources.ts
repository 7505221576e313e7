/**
 * Turn the two config sources into directive entries, in the order redis-server reads them:
 * the file's lines first, then the command line's `--directive value ...` groups.
 */
import { ConfigError } from './errors';
import { splitArgs } from './split-args';

export interface ConfigEntry {
  /** lower-cased directive name */
  readonly name: string;
  readonly args: readonly string[];
  /** `file:line` or `command line`: the prefix of any error about this entry */
  readonly where: string;
  /** entries from one source share it; a later source's list directive replaces an earlier one's */
  readonly source: 'file' | 'argv';
}

/**
 * Lines of redis.conf syntax: each is trimmed; blank lines and lines starting with `#` are
 * skipped (as in Redis, a `#` after a directive is not a comment).
 */
export function fileEntries(fileName: string, text: string): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  const lines = text.split(/\r?\n|\r/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${fileName}:${index + 1}`;
    const args = splitArgs(line);
    if (args === null) {
      const first = line.split(/\s/, 1)[0] ?? '';
      throw new ConfigError(where, first.toLowerCase(), `unbalanced quotes in '${line}'`);
    }
    const [name, ...rest] = args;
    if (name === undefined) return;
    entries.push({ name: name.toLowerCase(), args: rest, where, source: 'file' });
  });
  return entries;
}

const isOption = (arg: string): boolean => arg.startsWith('--');

/**
 * `--name value [value ...]`: every argument up to the next `--xxx` is a value, taken verbatim
 * (the shell already did the quoting). As in redis-server, the first argument after a bare
 * option name is always its value, even if it starts with `--` (`--requirepass --secret--`), and
 * one argument may hold the name and its values (`"--port 7001"`).
 */
export function argvEntries(argv: readonly string[]): ConfigEntry[] {
  const where = 'command line';
  const entries: { name: string; args: string[] }[] = [];
  let needsValue = false;
  for (const arg of argv) {
    if (!needsValue && isOption(arg)) {
      const words = splitArgs(arg.slice(2));
      if (words === null) throw new ConfigError(where, null, `unbalanced quotes in '${arg}'`);
      const [name = '', ...values] = words;
      entries.push({ name: name.toLowerCase(), args: values });
      needsValue = values.length === 0;
      continue;
    }
    const current = entries[entries.length - 1];
    if (current === undefined) {
      throw new ConfigError(where, null, `unexpected argument '${arg}' (directives start with --)`);
    }
    current.args.push(arg);
    needsValue = false;
  }
  return entries.map((e) => ({ name: e.name, args: e.args, where, source: 'argv' }));
}
