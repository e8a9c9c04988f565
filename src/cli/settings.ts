/**
 * Configuration for `scimgate serve` and the database-touching commands: the YAML file from
 * `--config FILE` (or SCIMGATE_CONFIG), then environment variables, then flags — flags win.
 * Everything is validated by src/config, which names the key (and flag or variable) at fault.
 */
import { loadConfig, type Config, type ConfigError, type ConfigOverrides, type Env } from '../config/index.js';
import type { Result } from '../shared/result.js';

export interface ParsedArgs {
  positional: string[];
  /** Each flag's last value. */
  flags: Map<string, string>;
  /** Each flag's every value, in order (`--claim amr=mfa --claim acr=2`). */
  repeated: Map<string, string[]>;
}

/** `--name value` and `--name=value`; everything else is positional. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  const repeated = new Map<string, string[]>();
  const set = (name: string, value: string): void => {
    flags.set(name, value);
    repeated.set(name, [...(repeated.get(name) ?? []), value]);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq > 0) set(arg.slice(2, eq), arg.slice(eq + 1));
    else {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        set(arg.slice(2), next);
        i++;
      } else set(arg.slice(2), 'true');
    }
  }
  return { positional, flags, repeated };
}

/** Flags → config overrides (only the flags given). */
export function flagOverrides(flags: ReadonlyMap<string, string>): ConfigOverrides {
  const server: NonNullable<ConfigOverrides['server']> = {};
  const host = flags.get('host');
  if (host !== undefined) server.host = host;
  const port = flags.get('port');
  // Non-numbers stay strings so validation reports them under server.port.
  if (port !== undefined) server.port = (/^\d+$/.test(port) ? Number(port) : port) as number;
  const publicUrl = flags.get('public-url');
  if (publicUrl !== undefined) server.publicUrl = publicUrl.replace(/\/+$/, '');
  const overrides: ConfigOverrides = { server };
  const database = flags.get('database');
  if (database !== undefined) overrides.database = { path: database };
  const level = flags.get('log-level');
  if (level !== undefined) overrides.logging = { level: level as NonNullable<ConfigOverrides['logging']>['level'] };
  return overrides;
}

/** The config file a command reads (`--config`, else SCIMGATE_CONFIG), if any. */
export function configFile(flags: ReadonlyMap<string, string>, env: Env): string | undefined {
  return flags.get('config') ?? (env.SCIMGATE_CONFIG || undefined);
}

export function loadCliConfig(flags: ReadonlyMap<string, string>, env: Env): Result<Config, ConfigError> {
  return loadConfig({ file: flags.get('config'), env, overrides: flagOverrides(flags) });
}
