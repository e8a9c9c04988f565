/** The remembered (original URL, policy) answer must equal a fresh computation for every request shape. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAuthTargetResolver, PROXY_HEADERS, type AuthRequest } from '../../../src/access/http/auth-target.js';
import { parseCidrList } from '../../../src/shared/cidr-list.js';
import { originalRequestUrl } from '../../../src/access/forwarded.js';
import { compileRoutePolicy, createPolicyResolver, DEFAULT_POLICY, type CompiledPolicy, type PolicyError } from '../../../src/access/policy/index.js';
import type { Result } from '../../../src/shared/result.js';
import type { RouteConfig } from '../../../src/config/index.js';

function route(host: string | undefined, pathPrefix: string, allowedGroups: string[]): RouteConfig {
  const policy = compileRoutePolicy({ allowedGroups });
  if (!policy.ok) throw new Error('policy');
  return { host, pathPrefix, allowedGroups, policy: policy.value };
}

const routes: RouteConfig[] = [route('app.example.com', '/admin', ['Admins']), route(undefined, '/ops', ['Oncall'])];

/** Compiled policies hold closures: compare what they say, not their identity. */
function shape(policy: Result<CompiledPolicy, PolicyError> | undefined) {
  if (!policy) return undefined;
  if (!policy.ok) return policy;
  const { allow, deny, require, isDefault } = policy.value;
  return { allow: allow.map((n) => n.label), deny: deny.map((n) => n.label), require: require.map((r) => [r.node.label, r.reason]), isDefault };
}
const proxies = (() => {
  const list = parseCidrList(['127.0.0.1/32']);
  if (!list.ok) throw new Error('cidr');
  return list.value;
})();

function fresh(request: AuthRequest) {
  const headers = { get: (name: string) => request.proxyHeaders[PROXY_HEADERS.indexOf(name as (typeof PROXY_HEADERS)[number])] ?? null };
  const original = originalRequestUrl({ headers, remoteAddress: request.remoteAddress, url: request.url }, proxies);
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
  return { original, policy: original.source === 'malformed' ? undefined : createPolicyResolver(routes)(original.url, query) };
}

const header = fc.option(
  fc.constantFrom('https://app.example.com/admin/x', 'https://app.example.com/ops', 'https://other.example.com/admin', 'not a url', 'https', 'app.example.com', '/admin/y', ''),
  { nil: undefined },
);
const request = fc.record({
  remoteAddress: fc.constantFrom('127.0.0.1', '203.0.113.9', undefined),
  // Hosts and paths vary too: a trusted proxy that sends no usable headers is answered for our own
  // URL, whose host may pick a host-specific route.
  url: fc.constantFrom(
    'http://gate/oauth2/auth',
    'http://gate/oauth2/auth?allowed_groups=Admins',
    'http://gate/oauth2/auth?allowed_groups=',
    'http://gate/admin/x?allowed_groups=Oncall',
    'http://app.example.com/admin/x',
    'http://app.example.com/oauth2/auth',
    'http://other.example.com/admin/x',
    // Past the memo's key limit: answered without being remembered.
    `http://app.example.com/admin/x?pad=${'p'.repeat(3000)}`,
    `http://gate/oauth2/auth?allowed_groups=Admins&pad=${'p'.repeat(3000)}`,
  ),
  // Often none at all: then our own URL is the answer, and requests that differ only in it must not share one.
  proxyHeaders: fc.oneof(fc.constant([undefined, undefined, undefined, undefined]), fc.tuple(header, header, header, header)),
});

describe('createAuthTargetResolver', () => {
  it('answers every request in a sequence as a fresh computation would (repeats and untrusted peers included)', () => {
    fc.assert(
      fc.property(fc.array(request, { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 4 }), (requests, maxEntries) => {
        const resolve = createAuthTargetResolver(proxies, createPolicyResolver(routes), maxEntries);
        for (const r of requests) {
          const got = resolve(r);
          const want = fresh(r);
          expect(got.original.source).toBe(want.original.source);
          expect(got.original.trusted).toBe(want.original.trusted);
          expect(got.original.url.href).toBe(want.original.url.href);
          expect(shape(got.policy)).toEqual(shape(want.policy));
        }
      }),
    );
  });

  it("a trusted proxy without proxy headers is answered for each request's own host, not the first one's", () => {
    const resolve = createAuthTargetResolver(proxies, createPolicyResolver(routes));
    const none = [undefined, undefined, undefined, undefined];
    const other = resolve({ remoteAddress: '127.0.0.1', url: 'http://other.example.com/admin/x', proxyHeaders: none });
    const app = resolve({ remoteAddress: '127.0.0.1', url: 'http://app.example.com/admin/x', proxyHeaders: none });
    expect(other.policy).toEqual({ ok: true, value: DEFAULT_POLICY });
    expect(app.policy?.ok && app.policy.value.require.map((r) => r.node.label)).toEqual(['groups in ["Admins"]']);
  });

  it('an untrusted peer cannot reuse what a trusted proxy was answered for the same headers', () => {
    const resolve = createAuthTargetResolver(proxies, createPolicyResolver(routes));
    const proxyHeaders = ['https://app.example.com/admin/x', undefined, undefined, undefined];
    const trusted = resolve({ remoteAddress: '127.0.0.1', url: 'http://gate/oauth2/auth', proxyHeaders });
    const spoofed = resolve({ remoteAddress: '203.0.113.9', url: 'http://gate/oauth2/auth', proxyHeaders });
    expect(trusted.original.source).toBe('x-original-url');
    expect(spoofed.original.source).toBe('request');
    expect(spoofed.original.url.host).toBe('gate');
  });
});
