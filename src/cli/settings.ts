/**
 * Settings for `scimgate serve` and the database-touching commands: flags win over
 * environment variables, which win over defaults. Invalid values fail with the name of the
 * flag or variable at fault.
 */
export interface CliSettings {
  host: string;
  port: number;
  databasePath: string;
  publicUrl: string | undefined;
  bootstrapToken: string | undefined;
  logLevel: string;
}

export const DEFAULT_DATABASE = './data/scimgate.db';

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string>;
}

/** `--name value` and `--name=value`; everything else is positional. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq > 0) flags.set(arg.slice(2, eq), arg.slice(eq + 1));
    else {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        flags.set(arg.slice(2), next);
        i++;
      } else flags.set(arg.slice(2), 'true');
    }
  }
  return { positional, flags };
}

export class SettingsError extends Error {}

export function resolveSettings(flags: Map<string, string>, env: Record<string, string | undefined>): CliSettings {
  const problems: string[] = [];
  const portText = flags.get('port') ?? env.PORT ?? '8080';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`${flags.has('port') ? '--port' : 'PORT'}: "${portText}" is not a TCP port (0-65535)`);
  }
  const publicUrl = flags.get('public-url') ?? env.SCIMGATE_PUBLIC_URL;
  if (publicUrl !== undefined && !/^https?:\/\/[^/]+/i.test(publicUrl)) {
    problems.push(`${flags.has('public-url') ? '--public-url' : 'SCIMGATE_PUBLIC_URL'}: "${publicUrl}" is not an http(s) URL`);
  }
  if (problems.length > 0) throw new SettingsError(problems.join('\n'));
  return {
    // Loopback by default: a fresh install is not exposed until someone decides to expose it.
    host: flags.get('host') ?? env.HOST ?? '127.0.0.1',
    port,
    databasePath: flags.get('database') ?? env.SCIMGATE_DATABASE ?? DEFAULT_DATABASE,
    publicUrl: publicUrl?.replace(/\/+$/, ''),
    bootstrapToken: env.SCIMGATE_SCIM_TOKEN || undefined,
    logLevel: flags.get('log-level') ?? env.SCIMGATE_LOG_LEVEL ?? 'info',
  };
}
