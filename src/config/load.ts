/**
 * loadConfig: YAML file (path from `file`, i.e. `--config`, or SCIMGATE_CONFIG) ← environment
 * variables ← explicit overrides (CLI flags), validated once at boot. Returns every problem at
 * once, each naming its key; never throws, never prints. Secret files are read here.
 */
import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { compilePolicy } from '../policy/index.js';
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

  const source: YamlSource = { doc: undefined, lines: new LineCounter() };
  const document = path === undefined ? {} : readYaml(path, problems, source);
  if (document === undefined) return fail(new ConfigError(problems));
  const located = (found: ConfigProblem[]): ConfigError => new ConfigError(found.map((problem) => withLine(problem, source)));

  const merged = applyEnv(document, options.env);
  problems.push(...merged.problems);
  if (options.overrides) mergeInto(document, options.overrides);
  applyWorkloadIdentity(document, options.env, merged.sources);

  const parsed = fileSchema.safeParse(document, { reportInput: true });
  if (!parsed.success) {
    problems.push(...problemsFromZod(parsed.error.issues, merged.sources));
    // resolve.ts compiles route policies only once the schema holds: report theirs now too.
    problems.push(...policyProblems(document.routes));
  }
  if (!parsed.success || problems.length > 0) return fail(located(problems));

  const resolved = resolveConfig(parsed.data, options.env);
  if (!resolved.ok) return fail(located(resolved.error));
  return resolved;
}

/** The problems of every `policy:` in a routes list as written (however malformed the rest). */
function policyProblems(routes: unknown): ConfigProblem[] {
  if (!Array.isArray(routes)) return [];
  return routes.flatMap((route: unknown, index) => {
    if (!isRecord(route) || route.policy === undefined) return [];
    const compiled = compilePolicy(route.policy);
    return compiled.ok ? [] : compiled.error.map((p) => ({ path: `routes.${index}.policy${p.path === '' ? '' : `.${p.path}`}`, message: p.message }));
  });
}

interface YamlSource {
  doc: Document | undefined;
  lines: LineCounter;
}

/**
 * The problem with the line its key is written on. Paths are dotted, but keys may hold dots
 * themselves (`attribute/urn:…:enterprise:2.0:User:department`), so each step takes the longest
 * key of the mapping the rest of the path starts with. A key the file does not have (a default,
 * an environment variable) points at the deepest one it does.
 */
function withLine(problem: ConfigProblem, source: YamlSource): ConfigProblem {
  if (!source.doc || problem.path === '' || problem.path.includes(' (from ')) return problem;
  let node: unknown = source.doc.contents;
  let rest = problem.path;
  let offset: number | undefined;
  while (rest !== '') {
    let next: { node: unknown; offset: number | undefined; rest: string } | undefined;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key as { value?: unknown; range?: [number, number, number] } | null;
        const name = key && key.value !== undefined ? String(key.value) : undefined;
        if (name === undefined || !(rest === name || rest.startsWith(`${name}.`))) continue;
        if (!next || name.length > next.rest.length) next = { node: pair.value, offset: key?.range?.[0], rest: name };
      }
    } else if (isSeq(node)) {
      const index = rest.split('.', 1)[0] ?? '';
      const item = /^\d+$/.test(index) ? node.items[Number(index)] : undefined;
      if (item !== undefined) next = { node: item, offset: (item as { range?: [number, number, number] }).range?.[0], rest: index };
    }
    if (!next) break;
    node = next.node;
    offset = next.offset ?? offset;
    rest = rest.slice(next.rest.length + 1);
  }
  return offset === undefined ? problem : { ...problem, line: source.lines.linePos(offset).line };
}

function readYaml(path: string, problems: ConfigProblem[], source: YamlSource): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const code = cause instanceof Error && 'code' in cause ? String(cause.code) : 'unreadable';
    problems.push({ path: '', message: `config file ${JSON.stringify(path)}: cannot read (${code})` });
    return undefined;
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter: source.lines });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      // The first line names the problem and its line/column; the rest is a source excerpt.
      const summary = (error.message.split('\n')[0] ?? '').replace(/:$/, '');
      problems.push({ path: '', message: `config file ${JSON.stringify(path)}: ${summary}` });
    }
    return undefined;
  }
  source.doc = doc;
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
