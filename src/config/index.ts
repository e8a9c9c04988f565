/** Configuration: load and validate once at boot (see docs/configuration.md). */
export { loadConfig, type LoadConfigOptions, type ConfigOverrides } from './load.js';
export { ConfigError, formatProblem, type ConfigProblem } from './problems.js';
export { parseDuration } from '../shared/duration.js';
export { ENV_BINDINGS, type Env } from './env.js';
export type { Config, OidcConfig, OidcClientAuth, RouteConfig, LogLevel } from './types.js';
export type { ConfigFileInput } from './schema.js';
export { createConfigReloader, changedSections, RELOADABLE, type ConfigReloader, type ReloadOutcome, type ReloadLog } from './reloader.js';
