/**
 * The Entra provisioning replay (../shared/conformance/entra-replay, what `npm run conformance`
 * runs against the built server) against the server's own node listener — with a `use()`
 * middleware on every SCIM router. Hono composes such requests asynchronously; the replay shows
 * that everything Entra does still works on that path, not just the fast one.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { MiddlewareHandler } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeListener } from '../../src/app.js';
import { createDirectory } from '../../src/directory/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { createTokenService } from '../../src/tokens/index.js';

const REPLAY = process.env.SCIMGATE_REPLAY ?? fileURLToPath(new URL('../../../shared/conformance/entra-replay/replay.mjs', import.meta.url));

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function serve(middleware: MiddlewareHandler[]): Promise<{ base: string; token: string; store: Store }> {
  const dir = mkdtempSync(join(tmpdir(), 'scimgate-replay-'));
  const store = openStore(join(dir, 'scimgate.db'));
  const tokens = createTokenService(store);
  const { token } = tokens.create('replay');
  const { listener } = createNodeListener({ directory: createDirectory({ store }), tokens, scimMiddleware: middleware });
  const server: Server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`, token, store };
}

describe.skipIf(!existsSync(REPLAY))('Entra provisioning replay through the node listener', () => {
  it('passes every check with a use() middleware on the SCIM routers', async () => {
    let seen = 0;
    const audit: MiddlewareHandler = async (c, next) => {
      seen++;
      await next();
      c.header('X-Audited', 'yes');
    };
    const { base, token } = await serve([audit]);
    // The replay exits non-zero when a check fails; its stdout says which, so read it either way.
    const { stdout } = await promisify(execFile)(process.execPath, [REPLAY, '--base', base, '--token', token], { timeout: 120_000 }).catch(
      (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
    );
    const lines = stdout.trim().split('\n');
    expect(lines.filter((line) => line.startsWith('FAIL'))).toEqual([]);
    expect(lines.at(-1)).toMatch(/^\d+ passed, 0 failed$/);
    expect(seen).toBeGreaterThan(50);
  }, 150_000);
});
