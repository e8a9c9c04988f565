/**
 * loadConfig: YAML file (path from `file`, i.e. `--config`, or SCIMGATE_CONFIG) ← environment
 * variables ← explicit overrides (CLI flags), validated once at boot. Returns every problem at
 * once, each naming its key; never throws, never prints. Secret files are read here.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { fail, type Result } from '../shared/result.js';
import { applyEnv, applyWorkloadIdentity, isRecord, type Env } from './env.js';
import { ConfigError, problemsFromZod, type ConfigProblem } from './problems.js';
import { resolveConfig } from './resolve.js';
import { fileSchema, type ConfigFileInput } from './schema.js';
import type { Config } from './types.js';

/** Nested partial of the file shape: anything a CLI flag may set. */
export type ConfigOverrides = DeepPartial<ConfigFileInput>;
type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

export interface LoadConfigOptions {
  /** Config file path (`--config`); falls back to `env.SCIMGATE_CONFIG`; none means env only. */
  file?: string | undefined;
  /** The process environment (passed in: only main.ts reads process.env). */
  env: Env;
  overrides?: ConfigOverrides | undefined;
}

export function loadConfig(options: LoadConfigOptions): Result<Config, ConfigError> {
  const path = options.file ?? (options.env.SCIMGATE_CONFIG || undefined);
  const problems: ConfigProblem[] = [];

  const document = path === undefined ? {} : readYaml(path, problems);
  if (document === undefined) return fail(new ConfigError(problems));

  const merged = applyEnv(document, options.env);
  problems.push(...merged.problems);
  if (options.overrides) mergeInto(document, options.overrides);
  applyWorkloadIdentity(document, options.env, merged.sources);

  const parsed = fileSchema.safeParse(document, { reportInput: true });
  if (!parsed.success) problems.push(...problemsFromZod(parsed.error.issues, merged.sources));
  if (!parsed.success || problems.length > 0) return fail(new ConfigError(problems));

  const resolved = resolveConfig(parsed.data);
  if (!resolved.ok) return fail(new ConfigError(resolved.error));
  return resolved;
}

function readYaml(path: string, problems: ConfigProblem[]): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const code = cause instanceof Error && 'code' in cause ? String(cause.code) : 'unreadable';
    problems.push({ path: '', message: `config file ${JSON.stringify(path)}: cannot read (${code})` });
    return undefined;
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      // The first line names the problem and its line/column; the rest is a source excerpt.
      const summary = (error.message.split('\n')[0] ?? '').replace(/:$/, '');
      problems.push({ path: '', message: `config file ${JSON.stringify(path)}: ${summary}` });
    }
    return undefined;
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (!isRecord(value)) {
    problems.push({ path: '', message: `config file ${JSON.stringify(path)}: must be a mapping of sections (server, oidc, …)` });
    return undefined;
  }
  // `oidc:` with nothing under it parses as null: treat an empty section as an absent one.
  for (const [key, section] of Object.entries(value)) if (section === null) delete value[key];
  return value;
}

/** Objects merge key by key; arrays and scalars replace. */
function mergeInto(target: Record<string, unknown>, source: object): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const existing = target[key];
    if (isRecord(value) && isRecord(existing)) mergeInto(existing, value);
    else target[key] = isRecord(value) ? structuredClone(value) : value;
  }
}
