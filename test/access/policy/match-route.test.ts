/** Route matching: most specific route wins; every reading of an ambiguous path is matched. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRouteMatcher, normalizeHost, normalizePath, pathReadings, underPrefix, type RouteMatch } from '../../../src/access/policy/index.js';

const routes = [
  { name: 'any-root', host: undefined, pathPrefix: '/', allowedGroups: ['Staff'] },
  { name: 'any-admin', host: undefined, pathPrefix: '/admin', allowedGroups: ['Admins'] },
  { name: 'app-root', host: 'app.example.com', pathPrefix: '/', allowedGroups: ['App'] },
  { name: 'app-reports', host: 'app.example.com', pathPrefix: '/reports/', allowedGroups: ['Finance'] },
  { name: 'app-root-dup', host: 'app.example.com', pathPrefix: '/', allowedGroups: ['Never'] },
];

const names = <R extends { name: string }>(match: RouteMatch<R>): string => {
  if (!match.ok) return `refused: ${match.reason}`;
  return [...match.routes.map((r) => r.name), ...(match.unrouted ? ['(none)'] : [])].join(' + ');
};
const one = (host: string, path: string, method?: string) => names(createRouteMatcher(routes)(host, path, method));

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
    expect(one(host, path)).toBe(expected);
  });

  it('the earlier of two equally specific routes wins', () => {
    expect(one('app.example.com', '/x')).toBe('app-root');
  });

  it('no match without a catch-all', () => {
    expect(names(createRouteMatcher([{ name: 'x', host: 'a.example', pathPrefix: '/x' }])('a.example', '/y'))).toBe('(none)');
  });

  it.each(['/%61dmin', '//admin', '/x/../admin', '/%2e%2e/admin', '/admin/./', '\\admin', '/x/%2E%2E/admin/y', '/admin?q=1', '/admin#f', '/ADMIN', '/Admin/x'])(
    'the %j spelling of /admin cannot slip past the /admin route',
    (path) => {
      expect(one('other.example.com', path)).toBe('any-admin');
    },
  );

  it.each([
    ['/admin;x/y', 'any-root + any-admin'],
    ['/admin%2fx', 'any-root + any-admin'],
    ['/x/..%2fadmin', 'any-root + any-admin'],
    ['/admin./x', 'any-root + any-admin'],
    ['/%2561dmin/x', 'any-root + any-admin'],
    ['/%c0%afadmin', 'refused: escapes that are not well-formed UTF-8 (overlong or truncated)'],
    ['/admin%00', 'refused: control character in the path'.replace('control', 'an encoded control')],
    ['/%u0061dmin', 'refused: "%" not followed by two hex digits'],
  ])('%s is read every way an upstream could: %s', (path, expected) => {
    expect(one('other.example.com', path)).toBe(expected);
  });

  it('case sensitivity is the route\'s choice; the default folds case', () => {
    const strict = [
      { name: 'root', host: undefined, pathPrefix: '/' },
      { name: 'admin', host: undefined, pathPrefix: '/admin', caseSensitive: true },
    ];
    const lax = [strict[0], { ...strict[1], caseSensitive: false }] as typeof strict;
    expect(names(createRouteMatcher(strict)('h', '/Admin'))).toBe('root');
    expect(names(createRouteMatcher(lax)('h', '/Admin'))).toBe('admin');
    expect(names(createRouteMatcher(strict)('h', '/admin/x'))).toBe('admin');
  });

  it('a method-limited route beats one for every method, and an unknown method means every route it could be', () => {
    const byMethod = [
      { name: 'read', host: undefined, pathPrefix: '/api' },
      { name: 'write', host: undefined, pathPrefix: '/api', methods: ['POST', 'DELETE'] },
    ];
    const match = createRouteMatcher(byMethod);
    expect(names(match('h', '/api/x', 'GET'))).toBe('read');
    expect(names(match('h', '/api/x', 'post'))).toBe('write');
    expect(names(match('h', '/api/x'))).toBe('write + read');
    expect(names(match('h', '/other', 'GET'))).toBe('(none)');
  });

  it('normalises but keeps case and reserved escapes in the literal reading', () => {
    expect(normalizePath('/Admin')).toBe('/Admin');
    expect(normalizePath('/a%2Fb')).toBe('/a%2Fb');
    expect(normalizePath('')).toBe('/');
    expect(normalizeHost('[::1]:8080')).toBe('[::1]');
  });

  it.each([
    ['/admin;jsessionid=1', '/admin;jsessionid=1', '/admin'],
    ['/admin..;/', '/admin..;/', '/admin/'],
    ['/%2561dmin/x', '/%2561dmin/x', '/admin/x'],
    ['/a%20b/', '/a%20b/', '/a b/'],
    ['/%20admin%09/', null, null],
    ['/%EF%BD%81dmin', '/%EF%BD%81dmin', '/admin'],
    ['/x/%2e%2e/', '/', '/'],
    ['/files/100%25', '/files/100%25', '/files/100%'],
  ])('readings of %s', (path, literal, lenient) => {
    const readings = pathReadings(path);
    if (literal === null) expect(readings.ok).toBe(false);
    else expect(readings).toEqual({ ok: true, literal, lenient });
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
    const segment = fc.stringMatching(/^[A-Za-z0-9._~%;\\/-]{0,6}$/);
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), (parts) => {
        const path = `/${parts.join('/')}`;
        expect(normalizePath(path)).toBe(slow(path));
      }),
      { numRuns: 3000 },
    );
  });
});

const segment = fc.constantFrom('admin', 'app', 'reports', 'x', 'a');
const prefix = fc.array(segment, { maxLength: 3 }).map((s) => `/${s.join('/')}`);
const route = fc.record({ host: fc.option(fc.constantFrom('a.example', 'b.example'), { nil: undefined }), pathPrefix: prefix, id: fc.nat() });
const simplePath = fc.array(fc.oneof(segment, fc.constantFrom('..', '.', '', '%61dmin')), { maxLength: 5 }).map((s) => `/${s.join('/')}`);
const host = fc.constantFrom('a.example', 'B.EXAMPLE', 'c.example');

describe('route matcher properties', () => {
  it('on unambiguous paths: one route, and no matching route is more specific', () => {
    fc.assert(
      fc.property(fc.array(route, { maxLength: 8 }), host, simplePath, (rs, h, p) => {
        const match = createRouteMatcher(rs)(h, p, 'GET');
        if (!match.ok) throw new Error(match.reason);
        expect(match.routes.length + Number(match.unrouted)).toBe(1);
        const found = match.routes[0];
        const n = normalizePath(p).toLowerCase();
        const matching = rs.filter((r) => (r.host === undefined || r.host === h.toLowerCase()) && underPrefix(n, r.pathPrefix));
        expect(found === undefined).toBe(matching.length === 0);
        if (!found) return;
        for (const r of matching) {
          const rank = (x: typeof r) => [x.host !== undefined ? 1 : 0, x.pathPrefix.length] as const;
          const [fh, fl] = rank(found);
          const [rh, rl] = rank(r);
          expect(rh > fh || (rh === fh && rl > fl)).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('the answer does not depend on route order, except among equally specific routes', () => {
    fc.assert(
      fc.property(fc.array(route, { maxLength: 8 }), host, simplePath, (rs, h, p) => {
        const a = createRouteMatcher(rs)(h, p, 'GET');
        const b = createRouteMatcher([...rs].reverse())(h, p, 'GET');
        const key = (m: typeof a) => (m.ok ? m.routes.map((r) => `${r.host}${r.pathPrefix}`).join() : m.reason);
        expect(key(a)).toBe(key(b));
      }),
      { numRuns: 500 },
    );
  });

  // Any path at all: built from the characters attacks are made of. Whatever the spelling, if the
  // lenient reference (decode everything, drop `;params`, trim dots and blanks, fold case) puts the
  // path under /admin, the /admin route is among the answers — or the path is refused.
  const piece = fc.constantFrom('admin', 'ADMIN', 'x', '.', '..', '', ';', ';p=1', '%2f', '%2F', '%5c', '%2e', '%252f', '%25', '%3b', '%20', '%61', '%2561', '%00', '%c0%af', '%ff', '\\', '.;', '..;', 'é', '%C3%A9', '%u0061', '.%2e');
  const anyPath = fc.array(fc.array(piece, { maxLength: 3 }).map((p) => p.join('')), { maxLength: 5 }).map((s) => `/${s.join('/')}`);
  const reference = (path: string): string | undefined => {
    let text = path;
    try {
      for (let i = 0; i < 6; i++) text = text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => decodeURIComponent(run));
    } catch {
      return undefined;
    }
    const out: string[] = [];
    for (const raw of text.normalize('NFKC').replace(/\\/g, '/').split('/')) {
      let seg = raw.split(';')[0]?.trim() ?? '';
      if (seg !== '.' && seg !== '..') seg = seg.replace(/[.\s]+$/u, '');
      if (seg === '..') out.pop();
      else if (seg !== '' && seg !== '.') out.push(seg);
    }
    return `/${out.join('/')}`.toLowerCase();
  };

  it('no spelling that means /admin to a lenient upstream escapes the /admin route', () => {
    const match = createRouteMatcher([
      { name: 'root', host: undefined, pathPrefix: '/' },
      { name: 'admin', host: undefined, pathPrefix: '/admin' },
    ]);
    fc.assert(
      fc.property(anyPath, (path) => {
        const meant = reference(path);
        const answer = match('h', path, 'GET');
        if (!answer.ok || meant === undefined || !underPrefix(meant, '/admin')) return;
        expect(answer.routes.map((r) => r.name)).toContain('admin');
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws, whatever the path', () => {
    const match = createRouteMatcher(routes);
    fc.assert(
      fc.property(fc.oneof(anyPath, fc.string(), fc.string({ unit: 'binary' })), (path) => {
        match('app.example.com', path);
      }),
      { numRuns: 2000 },
    );
  });
});
