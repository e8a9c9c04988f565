// Spawns the e2e suite's child processes (scimgate, nginx), keeps the tail of their output for
// failure messages, waits until they answer on their port, and stops them — by their own pid,
// SIGTERM first, SIGKILL if they linger — so a failed test never leaves a process behind.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

export interface ChildOptions {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export interface RunningChild {
  name: string;
  process: ChildProcess;
  /** Last lines of stdout+stderr, for assertion messages. */
  output(): string;
  stop(): Promise<void>;
}

const KEEP_CHARS = 20_000;

export function startChild(options: ChildOptions): RunningChild {
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk: Buffer): void => {
    log = (log + chunk.toString('utf8')).slice(-KEEP_CHARS);
    if (process.env.E2E_VERBOSE) process.stderr.write(`[${options.name}] ${chunk.toString('utf8')}`);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return {
    name: options.name,
    process: child,
    output: () => log,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `url` until it answers (any HTTP status) or the child exits or time runs out. */
export async function waitForHttp(child: RunningChild, url: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) {
      throw new Error(`${child.name} exited with ${child.process.exitCode} before answering:\n${child.output()}`);
    }
    try {
      const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(1_000) });
      await res.body?.cancel();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${child.name} did not answer at ${url} within ${timeoutMs} ms:\n${child.output()}`);
}
