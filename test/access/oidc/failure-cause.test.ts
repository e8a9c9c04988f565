// Why discovery failed, as the log names it: real failures on loopback (and one DNS name that
// cannot exist), not hand-made error objects. Plus the retry schedule's shape.
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverProvider } from '../../../src/access/oidc/discovery.js';
import { failureCause, retryDelayMs, type FailureKind } from '../../../src/access/oidc/index.js';

let server: Server;
let port: number;
let closedPort: number;
beforeAll(async () => {
  server = createServer((req, res) => {
    res.statusCode = req.url?.startsWith('/down/') ? 503 : 200;
    res.setHeader('content-type', 'application/json');
    res.end(req.url?.startsWith('/down/') ? '{}' : '["not metadata"]');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function causeOf(issuer: string) {
  try {
    await discoverProvider(issuer, true);
  } catch (error) {
    return failureCause(error);
  }
  throw new Error('discovery should have failed');
}

describe('failureCause names what "fetch failed" hides', () => {
  const cases: [string, () => string, FailureKind, RegExp][] = [
    ['connection refused', () => `http://127.0.0.1:${closedPort}/t`, 'connection_refused', /ECONNREFUSED/],
    ['DNS', () => 'http://no-such-provider.invalid/t', 'dns', /ENOTFOUND|EAI_AGAIN/],
    ['TLS to a plain-HTTP port', () => `https://127.0.0.1:${port}/t`, 'tls', /TLS failed: .+/],
    ['an HTTP error status', () => `http://127.0.0.1:${port}/down`, 'http_status', /HTTP 503/],
    ['a document that is not discovery metadata', () => `http://127.0.0.1:${port}/t`, 'invalid_metadata', /refused/],
  ];
  for (const [name, issuer, kind, detail] of cases) {
    it(name, async () => {
      const cause = await causeOf(issuer());
      expect(cause.kind, JSON.stringify(cause)).toBe(kind);
      expect(cause.detail).toMatch(detail);
      expect(cause.detail).not.toMatch(/^fetch failed$/);
    });
  }

  it('an error without a known cause is reported by its innermost message', () => {
    expect(failureCause(new Error('outer', { cause: new Error('inner') }))).toEqual({ kind: 'other', detail: 'inner' });
  });
});

describe('retry schedule: doubling, capped, jittered into the upper half', () => {
  const policy = { firstDelayMs: 1000, maxDelayMs: 60_000 };
  it.each([
    [1, 0, 500],
    [1, 1, 1000],
    [2, 1, 2000],
    [6, 1, 32_000],
    [7, 1, 60_000],
    [50, 0, 30_000],
    [50, 0.999_999, 60_000],
  ])('retry %i with random %f waits %i ms', (n, random, expected) => {
    expect(retryDelayMs(n, policy, () => random)).toBe(expected);
  });
});
