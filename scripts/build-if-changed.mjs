#!/usr/bin/env node
// `npm start`'s build step: compiles (tsc -p tsconfig.build.json) only when a source or build
// setting changed since the last build, so a restart does not spend a minute recompiling an
// unchanged tree. A fresh clone has no dist/ and builds. Inputs are compared by mtime against
// dist/.build-stamp, which carries the time the last successful build *started*: a file saved
// during a build is newer than its stamp and builds again next time.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const STAMP = join(root, 'dist', '.build-stamp');
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];
const OUTPUT = join(root, 'dist', 'cli', 'index.js');

/** The newest mtime under `path` (files and directories: a deleted file changes its directory's); 0 when absent. */
export function newestMtime(path) {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Why a build is needed, or undefined when dist/ is up to date. */
export function staleReason(base = root) {
  const stamp = join(base, 'dist', '.build-stamp');
  if (!existsSync(join(base, 'dist', 'cli', 'index.js')) || !existsSync(stamp)) return 'no build yet';
  const built = statSync(stamp).mtimeMs;
  const changed = INPUTS.find((input) => newestMtime(join(base, input)) > built);
  return changed === undefined ? undefined : `${changed} changed since the last build`;
}

function build() {
  const reason = staleReason();
  if (reason === undefined) return 0;
  process.stderr.write(`scimgate: building (${reason}) …\n`);
  const startedAt = new Date();
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) return result.status ?? 1;
  if (!existsSync(OUTPUT)) return 1;
  writeFileSync(STAMP, `${startedAt.toISOString()}\n`);
  utimesSync(STAMP, startedAt, startedAt);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = build();
