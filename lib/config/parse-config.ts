/**
 * parseConfig: redis.conf text plus `--directive value` arguments → a validated, frozen Config.
 * Pure: the caller reads the file and hands over argv (without the config file name).
 *
 * As in redis-server, the command line is applied after the file and a directive given twice
 * keeps its last value. List directives (bind, seeds) add up within one source and a later
 * source replaces them (`--seeds a:1 b:2` overrides the file's seeds); `seeds ""` empties them.
 * Directive names are case-insensitive. Every error is a ConfigError naming where and what.
 */
import { DIRECTIVES, DIRECTIVES_BY_NAME } from './directives';
import type { Directive, Field } from './directive';
import { ConfigError } from './errors';
import { argvEntries, fileEntries, type ConfigEntry } from './sources';
import type { Config } from './types';

export interface ConfigInput {
  /** used in error messages; default '<config>' */
  readonly fileName?: string;
  /** the config file's text; omitted when there is no file */
  readonly text?: string;
  /** command-line arguments after the config file name */
  readonly argv: readonly string[];
}

export function parseConfig(input: ConfigInput): Config {
  const entries = [
    ...(input.text === undefined ? [] : fileEntries(input.fileName ?? '<config>', input.text)),
    ...argvEntries(input.argv),
  ];
  const values = new Map<Field, unknown>();
  const setBy = new Map<string, ConfigEntry>();
  for (const entry of entries) {
    const d = lookup(entry);
    const value = parseEntry(d, entry);
    if (d.list && Array.isArray(value)) {
      const previous = setBy.get(d.name);
      const kept = previous?.source === entry.source && value.length > 0 ? values.get(d.field) : [];
      values.set(d.field, unique([...(kept as unknown[]), ...value]));
    } else {
      values.set(d.field, value);
    }
    setBy.set(d.name, entry);
  }
  for (const d of DIRECTIVES) {
    if (!d.derived && !values.has(d.field)) values.set(d.field, d.defaultValue(asConfig(values)));
  }
  for (const d of DIRECTIVES) {
    if (d.derived && !values.has(d.field)) values.set(d.field, d.defaultValue(asConfig(values)));
  }
  const config = asConfig(values);
  for (const d of DIRECTIVES) checkCrossField(d, config, setBy);
  return deepFreeze(config);
}

function lookup(entry: ConfigEntry): Directive {
  const d = DIRECTIVES_BY_NAME.get(entry.name);
  if (d === undefined) {
    throw new ConfigError(entry.where, entry.name, `unknown directive '${entry.name}'`);
  }
  return d;
}

function parseEntry(d: Directive, entry: ConfigEntry): unknown {
  const n = entry.args.length;
  if (n === 0 || (!d.list && n !== 1)) {
    const wanted = d.list ? 'one or more values' : 'one value';
    throw new ConfigError(entry.where, d.name,
      `wrong number of arguments for '${d.name}' (expected ${wanted}, got ${n})`);
  }
  const parsed = d.parse(entry.args);
  if (!parsed.ok) {
    throw new ConfigError(entry.where, d.name,
      `invalid value for '${d.name}': '${parsed.bad}' (expected ${d.expected})`);
  }
  return parsed.value;
}

function checkCrossField(d: Directive, config: Config, setBy: ReadonlyMap<string, ConfigEntry>): void {
  const problem = d.check(config);
  if (problem === undefined) return;
  const own = setBy.get(d.name);
  if (own !== undefined) {
    throw new ConfigError(own.where, d.name,
      `invalid value for '${d.name}': '${own.args.join(' ')}' (${problem})`);
  }
  const cause = d.dependsOn.map((name) => setBy.get(name)).find((e) => e !== undefined);
  throw new ConfigError(cause?.where ?? '<defaults>', d.name,
    `'${d.name}' defaults to ${d.render(config)} (${problem})`);
}

/** the one cast: the table guarantees every field is set (and typed) before use */
function asConfig(values: ReadonlyMap<Field, unknown>): Config {
  return Object.fromEntries(values) as unknown as Config;
}

function unique<T>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = JSON.stringify(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function deepFreeze(config: Config): Config {
  for (const value of Object.values(config)) {
    if (Array.isArray(value)) {
      value.forEach((item) => Object.freeze(item));
      Object.freeze(value);
    }
  }
  return Object.freeze(config);
}
