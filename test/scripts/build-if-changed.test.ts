// `npm start` builds only when the sources changed (scripts/build-if-changed.mjs): the decision,
// on a scratch checkout with controlled mtimes. A fresh clone (no dist/) always builds.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { staleReason } from '../../scripts/build-if-changed.mjs';

let root: string;
const at = (path: string, seconds: number) => utimesSync(join(root, path), seconds, seconds);
const write = (path: string, seconds: number) => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), 'x');
  at(path, seconds);
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'scimgate-build-'));
  write('src/main.ts', 1_000);
  write('src/cli/index.ts', 1_000);
  at('src/cli', 1_000);
  at('src', 1_000);
  write('package.json', 1_000);
  write('tsconfig.json', 1_000);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const built = (seconds: number) => {
  write('dist/cli/index.js', seconds);
  write('dist/.build-stamp', seconds);
};

describe('build only when sources changed', () => {
  it('a fresh clone has no build: it builds', () => {
    expect(staleReason(root)).toBe('no build yet');
  });

  it('a build newer than every source is up to date', () => {
    built(2_000);
    expect(staleReason(root)).toBeUndefined();
  });

  it('an edited source, a new or deleted file, or a changed build setting builds again', () => {
    built(2_000);
    write('src/cli/index.ts', 3_000);
    expect(staleReason(root)).toBe('src changed since the last build');
    built(4_000);
    at('src/cli', 5_000); // what adding or deleting a file does to its directory
    expect(staleReason(root)).toBe('src changed since the last build');
    built(6_000);
    write('tsconfig.json', 7_000);
    expect(staleReason(root)).toBe('tsconfig.json changed since the last build');
  });

  it('a build without its output (dist/ emptied by hand) builds again', () => {
    built(2_000);
    rmSync(join(root, 'dist', 'cli'), { recursive: true });
    expect(staleReason(root)).toBe('no build yet');
  });
});
