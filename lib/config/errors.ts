/**
 * The one error the config module throws. Its message always starts with where the problem is
 * (`conf/node1.conf:7:` or `command line:`) and names the directive, so start-up can print it as
 * is; callers and tests match on `code`.
 */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  /** the directive at fault, in Redis form ('port'), or null when the line had none */
  readonly directive: string | null;
  /** `file:line` or `command line` */
  readonly where: string;

  constructor(where: string, directive: string | null, problem: string) {
    super(`${where}: ${problem}`);
    this.name = 'ConfigError';
    this.where = where;
    this.directive = directive;
  }
}
