/** lib/config: directives, defaults, validation (pure: no fs, no process.argv). */
export { ConfigError } from './errors';
export { parseConfig, type ConfigInput } from './parse-config';
export { configGet, directiveNames } from './config-get';
export { stringMatch } from '../util/glob';
export { parseMemory } from './value-types';
export { renderSeed } from './addresses';
export type { Config, LogLevel, SeedAddress } from './types';
