/** `scimgate config check FILE`: every problem, named by key and line; non-zero exit. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runConfigCheck } from '../../src/cli/config-check-command.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function file(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'scimgate-check-'));
  dirs.push(dir);
  const path = join(dir, 'scimgate.yaml');
  writeFileSync(path, text);
  return path;
}

function check(path: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runConfigCheck(['check', path], {}, { log: (l) => out.push(l), error: (l) => err.push(l) });
  return { code, out, err };
}

const BROKEN = `routes:
  - host: app.example.com
    policy:
      allow:
        and:
          - groups: { has: Engineering }
          - emial: { is: a@b.c }
          - attribute/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department:
              equals: Engineering
      deny:
        or:
          - scim_filter: 'userType eq'
  - pathPrefix: /ops
    allowedGroups: []
`;

describe('scimgate config check', () => {
  it('prints every problem with its key and the line it is on, and exits 1', () => {
    const { code, err } = check(file(BROKEN));
    expect(code).toBe(1);
    expect(err[0]).toMatch(/scimgate\.yaml: 4 problems$/);
    expect(err.slice(1)).toEqual([
      expect.stringMatching(/^ {2}- routes\.1\.allowedGroups \(line 14\): must list at least 1 item/),
      expect.stringMatching(/^ {2}- routes\.0\.policy\.allow\.and\.1\.emial \(line 7\): unknown criterion "emial"/),
      expect.stringMatching(/^ {2}- routes\.0\.policy\.allow\.and\.2\.attribute\/urn:ietf:params:scim:schemas:extension:enterprise:2\.0:User:department\.equals \(line 9\): unknown matcher "equals"/),
      expect.stringMatching(/^ {2}- routes\.0\.policy\.deny\.or\.0\.scim_filter \(line 12\): invalid SCIM filter/),
    ]);
  });

  it('says ok and exits 0 for a valid file', () => {
    const { code, out } = check(file('routes:\n  - policy:\n      allow:\n        or:\n          - claim/amr: mfa\n          - domain: contoso.com\n'));
    expect(code).toBe(0);
    expect(out).toEqual([expect.stringMatching(/: ok \(1 route, 2 criteria\)$/)]);
  });

  it('a usage error exits 2', () => {
    expect(runConfigCheck(['check'], {}, { log: () => undefined, error: () => undefined })).toBe(2);
  });
});
