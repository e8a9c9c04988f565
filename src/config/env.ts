/**
 * Environment variables that override or complete the config file, and the `NAME_FILE`
 * convention (Docker/Kubernetes secrets): for every variable below, `NAME_FILE=/path` supplies
 * the trimmed contents of that file instead. Values stay strings except where a key is numeric;
 * the schema then reports bad values naming both the key and the variable.
 */
import type { ConfigProblem } from './problems.js';
import { readSecretFile } from './secret-file.js';

type Kind = 'string' | 'int' | 'list';

interface EnvBinding {
  name: string;
  path: readonly string[];
  kind: Kind;
}

/** Documented in docs/configuration.md ("Environment variables"). */
export const ENV_BINDINGS: readonly EnvBinding[] = [
  { name: 'HOST', path: ['server', 'host'], kind: 'string' },
  { name: 'PORT', path: ['server', 'port'], kind: 'int' },
  { name: 'SCIMGATE_PUBLIC_URL', path: ['server', 'publicUrl'], kind: 'string' },
  { name: 'SCIMGATE_TRUSTED_PROXIES', path: ['server', 'trustedProxies'], kind: 'list' },
  { name: 'SCIMGATE_HEADERS_TIMEOUT', path: ['server', 'timeouts', 'headers'], kind: 'string' },
  { name: 'SCIMGATE_REQUEST_TIMEOUT', path: ['server', 'timeouts', 'request'], kind: 'string' },
  { name: 'SCIMGATE_KEEP_ALIVE_TIMEOUT', path: ['server', 'timeouts', 'keepAlive'], kind: 'string' },
  { name: 'SCIMGATE_DATABASE', path: ['database', 'path'], kind: 'string' },
  { name: 'SCIMGATE_SCIM_TOKEN', path: ['scim', 'token'], kind: 'string' },
  { name: 'SCIMGATE_SCIM_READ_CACHE_MB', path: ['scim', 'readCacheMb'], kind: 'int' },
  { name: 'SCIMGATE_SCIM_RATE_LIMIT', path: ['scim', 'rateLimit', 'requestsPerSecond'], kind: 'int' },
  { name: 'SCIMGATE_OIDC_ISSUER', path: ['oidc', 'issuer'], kind: 'string' },
  { name: 'SCIMGATE_OIDC_CLIENT_ID', path: ['oidc', 'clientId'], kind: 'string' },
  { name: 'SCIMGATE_OIDC_CLIENT_SECRET', path: ['oidc', 'clientSecret'], kind: 'string' },
  { name: 'SCIMGATE_OIDC_ALLOWED_TENANTS', path: ['oidc', 'entra', 'allowedTenants'], kind: 'list' },
  { name: 'SCIMGATE_REDIRECT_ALLOWED_DOMAINS', path: ['redirects', 'allowedDomains'], kind: 'list' },
  { name: 'SCIMGATE_ADMIN_TOKEN', path: ['admin', 'token'], kind: 'string' },
  { name: 'SCIMGATE_LOG_LEVEL', path: ['logging', 'level'], kind: 'string' },
];

/** Client authentication keys; AZURE_FEDERATED_TOKEN_FILE only applies when none is set. */
const CLIENT_AUTH_KEYS = ['clientSecret', 'clientSecretFile', 'privateKeyJwt', 'federatedTokenFile'] as const;

export type Env = Readonly<Record<string, string | undefined>>;

export interface EnvMerge {
  /** Key path (dotted) → the variable that supplied it, for error messages. */
  sources: Map<string, string>;
  problems: ConfigProblem[];
}

/** Apply `env` onto `target` (mutated; a fresh object from the file parser). */
export function applyEnv(target: Record<string, unknown>, env: Env): EnvMerge {
  const sources = new Map<string, string>();
  const problems: ConfigProblem[] = [];
  for (const binding of ENV_BINDINGS) {
    const raw = envValue(binding.name, env, problems);
    if (raw === undefined) continue;
    if (setPath(target, binding.path, convert(raw, binding.kind))) sources.set(binding.path.join('.'), binding.name);
  }
  return { sources, problems };
}

/**
 * Apply AZURE_FEDERATED_TOKEN_FILE once file, env and overrides are merged: it only fills a gap.
 * Entra workload identity (AKS) injects this into every pod; it completes an oidc section that
 * has no other client authentication rather than conflicting with one that does.
 */
export function applyWorkloadIdentity(target: Record<string, unknown>, env: Env, sources: Map<string, string>): void {
  const federated = env.AZURE_FEDERATED_TOKEN_FILE?.trim();
  const oidc = target.oidc;
  if (federated && isRecord(oidc) && CLIENT_AUTH_KEYS.every((key) => oidc[key] === undefined)) {
    oidc.federatedTokenFile = federated;
    sources.set('oidc.federatedTokenFile', 'AZURE_FEDERATED_TOKEN_FILE');
  }
}

function envValue(name: string, env: Env, problems: ConfigProblem[]): string | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  if (direct !== undefined && direct !== '' && file !== undefined && file !== '') {
    problems.push({ path: name, message: `set either ${name} or ${name}_FILE, not both` });
    return undefined;
  }
  if (file !== undefined && file !== '') {
    const read = readSecretFile(file, `${name}_FILE`);
    if (!read.ok) {
      problems.push(read.error);
      return undefined;
    }
    return read.value;
  }
  return direct === undefined || direct === '' ? undefined : direct;
}

function convert(raw: string, kind: Kind): unknown {
  switch (kind) {
    case 'string':
      return raw.trim();
    case 'int':
      // Leave non-numbers as strings so validation reports them with the variable's name.
      return /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
    case 'list':
      return raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
  }
}

/** Set a nested key, creating (or replacing empty `null`) sections; false if a scalar is in the way. */
export function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): boolean {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === undefined || next === null) node[key] = {};
    else if (!isRecord(next)) return false;
    node = node[key] as Record<string, unknown>;
  }
  const last = path.at(-1);
  if (last === undefined) return false;
  node[last] = value;
  return true;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
