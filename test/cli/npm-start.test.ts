// README's `npm start`, as a user runs it, in a built checkout (a copy of this one's package.json,
// scripts and sources, with dist/ compiled from the real sources): it serves, and SIGTERM to
// npm stops the server too, cleanly, instead of leaving it running behind npm's back. Its
// banner, with SCIMGATE_SCIM_TOKEN set as docker-compose.yml sets it, asks for no other token.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';

const repo = join(import.meta.dirname, '..', '..');
let checkout: string;

/** Every src/**.ts compiled to dist/ as tsc would (transpile only: type checking is `npm run typecheck`'s job). */
function compileInto(target: string): void {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : name.endsWith('.ts') ? [join(dir, name)] : []));
  for (const file of walk(join(repo, 'src'))) {
    const out = join(target, 'dist', relative(join(repo, 'src'), file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      fileName: file,
    });
    writeFileSync(out, outputText);
  }
}

beforeAll(() => {
  checkout = realpathSync(mkdtempSync(join(tmpdir(), 'scimgate-npm-start-')));
  for (const name of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'scripts']) cpSync(join(repo, name), join(checkout, name), { recursive: true });
  symlinkSync(join(repo, 'node_modules'), join(checkout, 'node_modules'));
  symlinkSync(join(repo, 'migrations'), join(checkout, 'migrations'));
  compileInto(checkout);
  // Built after every source was copied: the build step has nothing to do.
  const stamp = join(checkout, 'dist', '.build-stamp');
  writeFileSync(stamp, 'test\n');
  const later = new Date(Date.now() + 60_000);
  utimesSync(stamp, later, later);
}, 120_000);
afterAll(() => rmSync(checkout, { recursive: true, force: true }));


const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Processes running in `dir` (Linux /proc; elsewhere none are found and the port check stands alone). */
function serversIn(dir: string): number[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  return pids.flatMap((pid) => {
    try {
      return readlinkSync(`/proc/${pid}/cwd`) === dir ? [Number(pid)] : [];
    } catch {
      return [];
    }
  });
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

describe('npm start (README)', () => {
  it('serves, and SIGTERM to npm stops the server process too', async () => {
    const port = await freePort();
    const npm = spawn('npm', ['start'], {
      cwd: checkout,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        SCIMGATE_DATABASE: join(checkout, 'data', 'test.db'),
        SCIMGATE_LOG_LEVEL: 'warn',
        // As docker-compose.yml sets it: the banner must not ask for another token.
        SCIMGATE_SCIM_TOKEN: 'npm-start-test-token-0123456789abcdef',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout?.on('data', (chunk) => (output += chunk));
    npm.stderr?.on('data', (chunk) => (output += chunk));
    try {
      for (;;) {
        if (npm.exitCode !== null) throw new Error(`npm start exited early (${npm.exitCode}):\n${output}`);
        // Ready once it answers and has printed its banner.
        const healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
        if (healthy && output.includes('scimgate is ready')) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(output).not.toMatch(/building|> tsc/);
      expect(output).toContain('Secret token: the bootstrap token you configured');
      expect(output).not.toContain('token create entra');
      npm.kill('SIGTERM');
      await exited(npm);
      // npm waits for its script to end: once npm is gone, a server still holding the port was orphaned.
      expect(await accepts(port), `the server outlived npm:\n${output}`).toBe(false);
      expect(serversIn(checkout)).toEqual([]);
    } finally {
      npm.kill('SIGKILL');
      for (const pid of serversIn(checkout)) process.kill(pid, 'SIGKILL');
    }
  }, 120_000);
});
