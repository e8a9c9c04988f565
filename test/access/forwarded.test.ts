import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LOOPBACK_CIDRS, parseCidrList, type CidrList } from '../../src/shared/cidr-list.js';
import { originalRequestUrl } from '../../src/access/forwarded.js';

const parsed = parseCidrList([...LOOPBACK_CIDRS, '10.0.0.0/8']);
if (!parsed.ok) throw new Error('bad test CIDRs');
const trusted: CidrList = parsed.value;
const AUTH_URL = 'http://127.0.0.1:8080/oauth2/auth';

function ask(headers: Record<string, string>, ...peer: [string | undefined] | []) {
  const remoteAddress = peer.length === 0 ? '127.0.0.1' : peer[0];
  return originalRequestUrl({ headers: new Headers(headers), remoteAddress, url: AUTH_URL }, trusted);
}

describe('nginx auth_request: X-Original-URL', () => {
  it('is used when sent by a trusted proxy', () => {
    const r = ask({ 'x-original-url': 'https://app.example.com/dash?x=1' });
    expect(r).toMatchObject({ trusted: true, source: 'x-original-url' });
    expect(r.url.href).toBe('https://app.example.com/dash?x=1');
  });

  it('wins over X-Forwarded-* when both are present', () => {
    const r = ask({
      'x-original-url': 'https://app.example.com/a',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'other.example.com',
      'x-forwarded-uri': '/b',
    });
    expect(r.url.href).toBe('https://app.example.com/a');
  });

  it('from an IPv4-mapped loopback peer is trusted', () => {
    expect(ask({ 'x-original-url': 'https://app.example.com/' }, '::ffff:127.0.0.1').trusted).toBe(true);
  });

  it.each([
    'app.example.com/x',
    '/relative/path',
    'javascript:alert(1)',
    'ftp://app.example.com/',
    'https://user:pw@app.example.com/',
    'https://',
    'https://app.example.com/\\evil',
    'http://[::1',
  ])('malformed %j is reported as malformed (callers deny), never thrown', (value) => {
    const r = ask({ 'x-original-url': value });
    expect(r).toMatchObject({ trusted: false, source: 'malformed' });
    expect(r.url.href).toBe(AUTH_URL);
  });
});

describe('Traefik / Caddy: X-Forwarded-Proto, -Host, -Uri', () => {
  it('builds the URL from the three headers', () => {
    const r = ask({ 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com', 'x-forwarded-uri': '/p?q=1' });
    expect(r).toMatchObject({ trusted: true, source: 'x-forwarded' });
    expect(r.url.href).toBe('https://app.example.com/p?q=1');
  });

  it('keeps a port in the host and defaults the URI to /', () => {
    const r = ask({ 'x-forwarded-proto': 'HTTP', 'x-forwarded-host': 'App.Example.com:8443' });
    expect(r.url.href).toBe('http://app.example.com:8443/');
  });

  it('a URI of //evil.com stays a path on the forwarded host', () => {
    const r = ask({ 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com', 'x-forwarded-uri': '//evil.com/x' });
    expect(r.url.host).toBe('app.example.com');
    expect(r.url.pathname).toBe('//evil.com/x');
  });

  it('believes only the last value of an appended list (added by our immediate peer)', () => {
    const r = ask({
      'x-forwarded-proto': 'http, https',
      'x-forwarded-host': 'admin.example.com, app.example.com',
      'x-forwarded-uri': '/',
    });
    expect(r.url.href).toBe('https://app.example.com/');
  });

  it.each<Record<string, string>>([
    { 'x-forwarded-proto': 'https' },
    { 'x-forwarded-host': 'app.example.com' },
    { 'x-forwarded-proto': 'gopher', 'x-forwarded-host': 'app.example.com' },
    { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.com/x' },
    { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'user@app.example.com' },
    { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com:99999' },
    { 'x-forwarded-proto': 'https', 'x-forwarded-host': '[::1' },
    { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com', 'x-forwarded-uri': 'no-slash' },
    { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com', 'x-forwarded-uri': '/a\\b' },
    { 'x-forwarded-proto': 'https', 'x-forwarded-host': ',' },
    { 'x-forwarded-proto': ', ', 'x-forwarded-host': 'app.example.com' },
  ])('malformed %j is reported as malformed (callers deny), never thrown', (headers) => {
    const r = ask(headers);
    expect(r).toMatchObject({ trusted: false, source: 'malformed' });
    expect(r.url.href).toBe(AUTH_URL);
  });
});

describe('spoofed forwarded headers from untrusted peers', () => {
  const spoof = {
    'x-original-url': 'https://admin.example.com/',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'admin.example.com',
    'x-forwarded-uri': '/secret',
    'x-forwarded-for': '127.0.0.1',
  };

  it.each(['203.0.113.7', '::ffff:203.0.113.7', '2001:db8::1', '11.0.0.1', '', 'garbage', undefined])(
    'are ignored entirely from %j',
    (peer) => {
      const r = ask(spoof, peer);
      expect(r).toEqual({ url: new URL(AUTH_URL), trusted: false, source: 'request' });
    },
  );

  it('X-Forwarded-For claiming loopback does not make a peer trusted', () => {
    expect(ask({ ...spoof, 'x-real-ip': '127.0.0.1' }, '198.51.100.1').trusted).toBe(false);
  });

  it('a configured non-loopback proxy range is trusted', () => {
    expect(ask(spoof, '10.20.30.40').url.href).toBe('https://admin.example.com/');
  });
});

describe('originalRequestUrl never throws', () => {
  it('for arbitrary header values from a trusted peer', () => {
    const value = fc.string({ maxLength: 40 }).filter((s) => !/[\r\n\0]/.test(s));
    fc.assert(
      fc.property(value, value, value, value, (original, proto, host, uri) => {
        let headers: Headers;
        try {
          headers = new Headers({ 'x-original-url': original, 'x-forwarded-proto': proto, 'x-forwarded-host': host, 'x-forwarded-uri': uri });
        } catch {
          return; // not representable as an HTTP header at all
        }
        const r = originalRequestUrl({ headers, remoteAddress: '127.0.0.1', url: AUTH_URL }, trusted);
        expect(['http:', 'https:']).toContain(r.url.protocol);
        expect(r.url.username).toBe('');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the original method', () => {
  it('comes from X-Original-Method (nginx) or X-Forwarded-Method (Traefik), upper-cased', () => {
    expect(ask({ 'x-original-url': 'https://app.example.com/', 'x-original-method': 'post' }).method).toBe('POST');
    expect(ask({ 'x-forwarded-proto': 'https', 'x-forwarded-host': 'a.example', 'x-forwarded-uri': '/', 'x-forwarded-method': 'DELETE' }).method).toBe('DELETE');
  });

  it('is unknown when absent, not a method token, or sent by an untrusted peer', () => {
    expect(ask({ 'x-original-url': 'https://app.example.com/' }).method).toBeUndefined();
    expect(ask({ 'x-original-url': 'https://app.example.com/', 'x-original-method': 'GET /x' }).method).toBeUndefined();
    expect(ask({ 'x-original-url': 'https://app.example.com/', 'x-original-method': 'POST' }, '203.0.113.1').method).toBeUndefined();
  });
});
