/**
 * Value types for the directive table: how the arguments of one directive become a typed value,
 * what the error says was expected, and how CONFIG GET prints the value back (as Redis does:
 * yes/no, plain integers, memory sizes in bytes, lists space-separated).
 */

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly bad: string };

export interface ValueType<T> {
  /** true: one or more arguments (all empty = the empty list); false: exactly one */
  readonly list: boolean;
  /** completes "(expected ...)" in error messages */
  readonly expected: string;
  parse(args: readonly string[]): Parsed<T>;
  render(value: T): string;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });

/** One argument; `parseOne` returns undefined for a value it rejects. */
export function scalar<T>(
  expected: string,
  parseOne: (arg: string) => T | undefined,
  render: (value: T) => string,
): ValueType<T> {
  return {
    list: false,
    expected,
    parse(args) {
      const arg = args[0] ?? '';
      const value = parseOne(arg);
      return value === undefined ? { ok: false, bad: arg } : ok(value);
    },
    render,
  };
}

/** One or more arguments, each parsed alone; `dir ""`-style all-empty arguments give []. */
export function listOf<T>(
  expected: string,
  parseOne: (arg: string) => T | undefined,
  renderOne: (value: T) => string,
): ValueType<readonly T[]> {
  return {
    list: true,
    expected,
    parse(args) {
      if (args.every((a) => a === '')) return ok([]);
      const values: T[] = [];
      for (const arg of args) {
        const value = parseOne(arg);
        if (value === undefined) return { ok: false, bad: arg };
        values.push(value);
      }
      return ok(values);
    },
    render: (values) => values.map(renderOne).join(' '),
  };
}

const MAX_INT = Number.MAX_SAFE_INTEGER;

/** Decimal integers as Redis reads them (no units, no fraction). */
export function parseInteger(arg: string): number | undefined {
  if (!/^-?\d+$/.test(arg)) return undefined;
  const n = Number(arg);
  return Number.isSafeInteger(n) ? n : undefined;
}

const UNITS: ReadonlyMap<string, number> = new Map([
  ['', 1], ['b', 1], ['k', 1000], ['kb', 1024],
  ['m', 1000 ** 2], ['mb', 1024 ** 2], ['g', 1000 ** 3], ['gb', 1024 ** 3],
]);

/** Redis memory sizes: an integer with an optional unit (1k = 1000, 1kb = 1024; any case). */
export function parseMemory(arg: string): number | undefined {
  const m = /^(\d+)([a-z]*)$/i.exec(arg);
  const unit = UNITS.get((m?.[2] ?? '').toLowerCase());
  if (m === null || m[1] === undefined || unit === undefined) return undefined;
  const n = Number(m[1]) * unit;
  return Number.isSafeInteger(n) ? n : undefined;
}

export function integer(min: number, max = MAX_INT): ValueType<number> {
  const expected = max === MAX_INT ? `an integer >= ${min}` : `an integer ${min}-${max}`;
  return scalar(expected, (arg) => inRange(parseInteger(arg), min, max), String);
}

export function memory(min: number, minText: string): ValueType<number> {
  return scalar(
    `a memory size such as 512mb, at least ${minText}`,
    (arg) => inRange(parseMemory(arg), min, MAX_INT),
    String,
  );
}

/** A number > 0 (fractions allowed) up to max. */
export function positiveNumber(max: number): ValueType<number> {
  return scalar(
    `a positive number up to ${max}`,
    (arg) => {
      if (!/^\d+(\.\d+)?$|^\.\d+$/.test(arg)) return undefined;
      const n = Number(arg);
      return n > 0 && n <= max ? n : undefined;
    },
    String,
  );
}

export const yesNo: ValueType<boolean> = scalar(
  'yes or no',
  (arg) => {
    const word = arg.toLowerCase();
    return word === 'yes' ? true : word === 'no' ? false : undefined;
  },
  (value) => (value ? 'yes' : 'no'),
);

/** One of fixed words, any case; the value is the lower-case word. */
export function oneOf<T extends string>(words: readonly T[]): ValueType<T> {
  return scalar(
    `one of ${words.join(', ')}`,
    (arg) => words.find((w) => w === arg.toLowerCase()),
    (value) => value,
  );
}

/** Free text; `""` means unset (null). `hidden` makes CONFIG GET show ''. */
export function optionalText(
  expected: string,
  accept: (arg: string) => boolean,
  hidden = false,
): ValueType<string | null> {
  return scalar<string | null>(
    expected,
    (arg) => (arg === '' ? null : accept(arg) ? arg : undefined),
    (value) => (hidden ? '' : (value ?? '')),
  );
}

function inRange(n: number | undefined, min: number, max: number): number | undefined {
  return n !== undefined && n >= min && n <= max ? n : undefined;
}
