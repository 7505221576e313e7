/**
 * The shape of one row of the directive table, and `directive()`, which checks a row against the
 * Config field it fills (type-safe per row) and erases it into the uniform `Directive` the parser
 * and CONFIG GET walk over.
 */
import type { Config } from './types';
import type { Parsed, ValueType } from './value-types';

export type Field = keyof Config;

export interface DirectiveSpec<K extends Field> {
  /** the directive's name in Redis form (a contract: config files and CONFIG GET use it) */
  readonly name: string;
  readonly field: K;
  readonly type: ValueType<Config[K]>;
  /** a fixed default, or one computed from fields that have fixed defaults (port + 10000) */
  readonly default: { readonly value: Config[K] } | { readonly derive: (c: Config) => Config[K] };
  /** a cross-field rule: returns what is wrong, or undefined */
  readonly check?: (c: Config) => string | undefined;
  /** directives the derived default or the check reads (for error locations) */
  readonly dependsOn?: readonly string[];
}

export interface Directive {
  readonly name: string;
  readonly field: Field;
  readonly list: boolean;
  readonly expected: string;
  readonly derived: boolean;
  readonly dependsOn: readonly string[];
  parse(args: readonly string[]): Parsed<unknown>;
  /** only call for derived directives once every fixed default is in place */
  defaultValue(partial: Config): unknown;
  check(config: Config): string | undefined;
  render(config: Config): string;
}

export function directive<K extends Field>(spec: DirectiveSpec<K>): Directive {
  const d = spec.default;
  return {
    name: spec.name,
    field: spec.field,
    list: spec.type.list,
    expected: spec.type.expected,
    derived: 'derive' in d,
    dependsOn: spec.dependsOn ?? [],
    parse: (args) => spec.type.parse(args),
    defaultValue: (partial) => ('derive' in d ? d.derive(partial) : d.value),
    check: (config) => spec.check?.(config),
    render: (config) => spec.type.render(config[spec.field]),
  };
}
