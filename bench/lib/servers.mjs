/**
 * The two kinds of server a bench run talks to: scimgate itself (the built CLI, as users run it)
 * and the bare hono baseline. Both are child processes on 127.0.0.1 so the load generator in this
 * process never shares an event loop with them.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE_DIR, ROOT } from './config.mjs';
import { freePort, startChild } from './processes.mjs';

/** BENCH_SCIMGATE_DIST points at another build (a patched copy of dist/) for A/B experiments. */
const CLI = join(process.env.BENCH_SCIMGATE_DIST ?? join(ROOT, 'dist'), 'cli/index.js');
const BARE = fileURLToPath(new URL('./bare-hono.mjs', import.meta.url));

/**
 * @param {{ database: string, cpuProfile?: boolean, label?: string, env?: Record<string, string> }} options
 */
export async function startScimgate({ database, cpuProfile = false, label = 'scimgate', env = {} }) {
  const port = await freePort();
  const token = `bench-${randomBytes(24).toString('hex')}`;
  const url = `http://127.0.0.1:${port}`;
  const profileDir = join(CACHE_DIR, 'profiles');
  if (cpuProfile) mkdirSync(profileDir, { recursive: true });
  const child = await startChild({
    name: label,
    args: [CLI, 'serve'],
    cwd: ROOT,
    nodeArgs: cpuProfile ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${label}-${Date.now()}.cpuprofile`] : [],
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      SCIMGATE_DATABASE: database,
      SCIMGATE_SCIM_TOKEN: token,
      SCIMGATE_LOG_LEVEL: 'warn',
      // Throughput is measured without the per-token SCIM limit (200/s by default), which would
      // answer most of 50 connections' requests with 429; a scenario may set it back.
      SCIMGATE_SCIM_RATE_LIMIT: '0',
      ...env,
    },
    healthUrl: `${url}/healthz`,
  });
  return {
    ...child,
    url,
    scimBase: `${url}/scim/v2`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json', accept: 'application/scim+json' },
  };
}

/** @param {{ status?: number }} [options] */
export async function startBareHono({ status = 200 } = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await startChild({
    name: `bare-hono-${status}`,
    args: [BARE],
    cwd: ROOT,
    env: { PORT: String(port), BARE_STATUS: String(status) },
    healthUrl: `${url}/`,
  });
  return { ...child, url };
}
