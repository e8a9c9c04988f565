/** Route matching: most specific route wins; normalised paths cannot slip past a prefix. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRouteMatcher, matchRoute, normalizeHost, normalizePath } from '../../../src/access/policy/index.js';

const routes = [
  { name: 'any-root', host: undefined, pathPrefix: '/', allowedGroups: ['Staff'] },
  { name: 'any-admin', host: undefined, pathPrefix: '/admin', allowedGroups: ['Admins'] },
  { name: 'app-root', host: 'app.example.com', pathPrefix: '/', allowedGroups: ['App'] },
  { name: 'app-reports', host: 'app.example.com', pathPrefix: '/reports/', allowedGroups: ['Finance'] },
  { name: 'app-root-dup', host: 'app.example.com', pathPrefix: '/', allowedGroups: ['Never'] },
];

const both = (host: string, path: string) => {
  const a = matchRoute(routes, host, path)?.name;
  const b = createRouteMatcher(routes)(host, path)?.name;
  expect(a).toBe(b);
  return a;
};

describe('route matching', () => {
  it.each([
    ['other.example.com', '/', 'any-root'],
    ['other.example.com', '/admin', 'any-admin'],
    ['other.example.com', '/admin/users', 'any-admin'],
    ['other.example.com', '/administrator', 'any-root'],
    ['app.example.com', '/anything', 'app-root'],
    // A host-specific route beats a host-less one, even with a shorter prefix.
    ['app.example.com', '/admin', 'app-root'],
    ['app.example.com', '/reports/q1', 'app-reports'],
    ['app.example.com', '/reports', 'app-root'],
    ['APP.Example.COM:8443', '/reports/q1', 'app-reports'],
    ['app.example.com.', '/reports/q1', 'app-reports'],
  ])('%s %s → %s', (host, path, expected) => {
    expect(both(host, path)).toBe(expected);
  });

  it('the earlier of two equally specific routes wins', () => {
    expect(both('app.example.com', '/x')).toBe('app-root');
  });

  it('no match without a catch-all', () => {
    expect(matchRoute([{ host: 'a.example', pathPrefix: '/x' }], 'a.example', '/y')).toBeUndefined();
  });

  it.each(['/%61dmin', '//admin', '/x/../admin', '/%2e%2e/admin', '/admin/./', '\\admin', '/x/%2E%2E/admin/y', '/admin?q=1', '/admin#f'])(
    'the %j spelling of /admin cannot slip past the /admin route',
    (path) => {
      expect(both('other.example.com', path)).toBe('any-admin');
    },
  );

  it('normalises but keeps case and reserved escapes', () => {
    expect(normalizePath('/Admin')).toBe('/Admin');
    expect(normalizePath('/a%2Fb')).toBe('/a%2Fb');
    expect(normalizePath('')).toBe('/');
    expect(normalizeHost('[::1]:8080')).toBe('[::1]');
  });
});

describe('normalizePath fast path', () => {
  // The reference: always through the URL parser, as before the fast path existed.
  const slow = (path: string): string => {
    const bare = path.split(/[?#]/, 1)[0] ?? '';
    const decoded = bare.replace(/%(?:[46][1-9A-Fa-f]|[57][0-9Aa]|3[0-9]|2[DdEe]|5[Ff]|7[Ee])/g, (e) =>
      String.fromCharCode(Number.parseInt(e.slice(1), 16)),
    );
    return new URL(`/${decoded}`.replace(/\\/g, '/').replace(/\/{2,}/g, '/'), 'http://route.invalid').pathname;
  };

  it('agrees with the full URL normalisation on any path', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9._~%\\/-]{0,6}$/);
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), (parts) => {
        const path = `/${parts.join('/')}`;
        expect(normalizePath(path)).toBe(slow(path));
      }),
      { numRuns: 3000 },
    );
  });
});
