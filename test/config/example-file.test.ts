// config/scimgate.example.yaml says it holds every key and boots: both are checked here, through
// the real loader and the real server, against the schema itself (a key added to the schema
// without the example fails this test).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { fileSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/http/logger.js';
import { startServer, type RunningServer } from '../../src/main.js';
import { freePort } from '../support/free-port.js';

const EXAMPLE = 'config/scimgate.example.yaml';

/** Dotted key paths a zod schema accepts (`routes[].host`), walking through defaults, optionals and transforms. */
function schemaKeys(schema: unknown, prefix = ''): string[] {
  const def = (schema as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape as Record<string, unknown>).flatMap(([key, value]) => {
        const path = prefix ? `${prefix}.${key}` : key;
        const below = schemaKeys(value, path);
        return [path, ...below];
      });
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
      return schemaKeys(def.innerType, prefix);
    case 'pipe':
      return schemaKeys(def.in, prefix);
    case 'array':
      return schemaKeys(def.element, `${prefix}[]`);
    default:
      return [];
  }
}

/** Keys whose value the schema leaves to another parser (`routes[].policy`): what is below them is not a key. */
function opaqueKeys(schema: unknown, prefix = ''): string[] {
  const def = (schema as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape as Record<string, unknown>).flatMap(([key, value]) => {
        const path = prefix ? `${prefix}.${key}` : key;
        const inner = unwrapped(value);
        return inner === 'unknown' || inner === 'any' ? [path] : opaqueKeys(value, path);
      });
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
      return opaqueKeys(def.innerType, prefix);
    case 'pipe':
      return opaqueKeys(def.in, prefix);
    case 'array':
      return opaqueKeys(def.element, `${prefix}[]`);
    default:
      return [];
  }
}

function unwrapped(schema: unknown): string {
  const def = (schema as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  return ['optional', 'nullable', 'default', 'prefault'].includes(def.type) ? unwrapped(def.innerType) : def.type;
}

/** Key paths in a YAML value, list items as `[]`. */
function documentKeys(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => documentKeys(item, `${prefix}[]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return [path, ...documentKeys(inner, path)];
  });
}

/** The example with its commented-out keys (`# key: …`, nested ones too) switched on. */
function withCommentedKeys(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/^(\s*)# (\s*(?:- )?[a-z][A-Za-z]*:(?:\s|$).*)$/, '$1$2'))
    .join('\n');
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});


describe(`${EXAMPLE}: every key, and it boots`, () => {
  const text = readFileSync(EXAMPLE, 'utf8');

  it('loads as it stands through the real loader', () => {
    const loaded = loadConfig({ file: EXAMPLE, env: {} });
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect(loaded.value.server.timeouts).toEqual({ headersMs: 15_000, requestMs: 30_000, keepAliveMs: 5_000 });
    expect(loaded.value.oidc?.redirectUri).toBe('https://auth.example.com/oauth2/callback');
    expect(loaded.value.routes).toHaveLength(3);
  });

  it('lists every key of the schema, active or commented out, and no key the schema lacks', () => {
    const opaque = opaqueKeys(fileSchema);
    const listed = new Set(documentKeys(parse(withCommentedKeys(text))).filter((key) => !opaque.some((o) => key.startsWith(`${o}.`))));
    const known = new Set(schemaKeys(fileSchema));
    expect([...known].filter((key) => !listed.has(key)), 'keys missing from the example').toEqual([]);
    expect([...listed].filter((key) => !known.has(key)), 'keys the schema does not know').toEqual([]);
  });

  it('boots: the server starts and serves, with sign-in waiting for its provider', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scimgate-example-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const [port, closed] = [await freePort(), await freePort()];
    // Only where it listens, where it stores, and a provider that is surely not there (no network in tests).
    const loaded = loadConfig({
      file: EXAMPLE,
      env: {},
      overrides: { server: { host: '127.0.0.1', port }, database: { path: join(dir, 'scimgate.db') }, oidc: { issuer: `http://127.0.0.1:${closed}/t/v2.0` } },
    });
    if (!loaded.ok) throw new Error(loaded.error.message);
    const server: RunningServer = await startServer(loaded.value, { logger: createLogger({ level: 'silent' }) });
    cleanups.push(() => server.close());
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/oauth2/start`, { redirect: 'manual' })).status).toBe(503);
  });
});
