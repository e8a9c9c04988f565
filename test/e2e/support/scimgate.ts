// Starts the built scimgate (`node dist/cli/index.js serve --config FILE`) as a child process
// with a temp SQLite file and a YAML config pointing at the test OP: what an operator would run
// behind nginx.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { startChild, waitForHttp } from './child-process.js';
import type { RunningChild } from './child-process.js';

const run = promisify(execFile);

/** The built CLI; SCIMGATE_E2E_CLI points the suite at another build of it. */
export const SCIMGATE_CLI = process.env.SCIMGATE_E2E_CLI ?? resolve(import.meta.dirname, '../../../dist/cli/index.js');

export interface ScimgateOptions {
  dir: string;
  port: number;
  /** Origin browsers use (nginx), e.g. http://127.0.0.1:8081. */
  publicUrl: string;
  scimToken: string;
  oidc: { issuer: string; clientId: string; clientSecret: string; tenantId: string };
  /** Config-file routes (`allowedGroups`, `policy`; the other way, beside nginx's `allowed_groups` query). */
  routes?: Record<string, unknown>[];
  /** More top-level config sections (hooks, …), merged over the rest. */
  extra?: Record<string, unknown>;
}

export interface Scimgate {
  /** Direct origin (bypassing nginx), for SCIM calls. */
  origin: string;
  configPath: string;
  child: RunningChild;
  /** Runs a `scimgate` command (e.g. `ssf token create NAME`) on this server's config; its stdout. */
  cli(args: string[]): Promise<string>;
  /** Rewrites the config file with other routes (same everything else); the caller signals or waits for the watch. */
  writeRoutes(routes: Record<string, unknown>[]): void;
  stop(): Promise<void>;
}

export function scimgateConfig(o: ScimgateOptions): Record<string, unknown> {
  return {
    server: {
      host: '127.0.0.1',
      port: o.port,
      publicUrl: o.publicUrl,
      trustedProxies: ['127.0.0.0/8', '::1/128'],
    },
    database: { path: join(o.dir, 'scimgate.db') },
    scim: { token: o.scimToken },
    oidc: {
      issuer: o.oidc.issuer,
      clientId: o.oidc.clientId,
      clientSecret: o.oidc.clientSecret,
      clientSecretMethod: 'basic',
      entra: { allowedTenants: [o.oidc.tenantId] },
    },
    redirects: { allowedDomains: [new URL(o.publicUrl).host] },
    routes: o.routes ?? [],
    logging: { level: 'info' },
    ...o.extra,
  };
}

export async function startScimgate(o: ScimgateOptions): Promise<Scimgate> {
  const configPath = join(o.dir, 'scimgate.yaml');
  const config = scimgateConfig(o);
  writeFileSync(configPath, stringify(config));
  const child = startChild({
    name: 'scimgate',
    command: process.execPath,
    args: [SCIMGATE_CLI, 'serve', '--config', configPath],
    env: configOnlyEnv(),
  });
  const origin = `http://127.0.0.1:${o.port}`;
  await waitForHttp(child, `${origin}/scim/v2/ServiceProviderConfig`);
  const writeRoutes = (routes: Record<string, unknown>[]) => writeFileSync(configPath, stringify({ ...config, routes }));
  const cli = async (args: string[]) =>
    (await run(process.execPath, [SCIMGATE_CLI, ...args, '--config', configPath], { env: { ...process.env, ...configOnlyEnv() } })).stdout;
  return { origin, configPath, child, cli, writeRoutes, stop: () => child.stop() };
}

/** The YAML file alone configures scimgate: variables that would override it are cleared. */
function configOnlyEnv(): Record<string, undefined> {
  return Object.fromEntries(Object.keys(process.env).filter(overridesConfig).map((name) => [name, undefined]));
}

/** Environment variables scimgate reads over its config file (docs/configuration.md). */
function overridesConfig(name: string): boolean {
  return name === 'HOST' || name === 'PORT' || name.startsWith('SCIMGATE_') || name.startsWith('AZURE_FEDERATED_TOKEN_FILE');
}
