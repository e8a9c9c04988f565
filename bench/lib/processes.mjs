/**
 * Child processes under load: a free loopback port, spawn with captured output, wait for a health
 * check, stop gracefully (so --cpu-prof can write its profile), and read the child's RSS.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** USER_HZ: 100 on every Linux build Node supports. */
const CLOCK_TICKS = 100;

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Keep the tail of a stream so a failed start can say why without flooding the bench output. */
function tail(stream, limit = 4096) {
  let text = '';
  stream.on('data', (chunk) => {
    text = (text + chunk.toString()).slice(-limit);
  });
  return () => text;
}

async function waitHealthy(url, child, output, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`child exited with ${child.exitCode} before ${url} answered:\n${output()}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no 200 from ${url} within ${timeoutMs} ms:\n${output()}`);
}

/**
 * @param {{ name: string, args: string[], env: Record<string, string>, healthUrl: string, cwd?: string, nodeArgs?: string[] }} options
 */
export async function startChild({ name, args, env, healthUrl, cwd, nodeArgs = [] }) {
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout = tail(child.stdout);
  const stderr = tail(child.stderr);
  const output = () => `--- ${name} stdout ---\n${stdout()}\n--- ${name} stderr ---\n${stderr()}`;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await waitHealthy(healthUrl, child, output, 20_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    pid: child.pid,
    output,
    /** Resident set size in MB, from /proc (Linux); undefined elsewhere. */
    rssMb() {
      try {
        const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return match ? Number(match[1]) / 1024 : undefined;
      } catch {
        return undefined;
      }
    },
    /** CPU seconds (user + system) the child has used so far, from /proc (Linux); undefined elsewhere. */
    cpuSeconds() {
      try {
        // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
        const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
      } catch {
        return undefined;
      }
    },
    /** Sends `signal` (the hooks' crash scenario: SIGKILL) and resolves once the child has exited. */
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
    /** SIGTERM first so the server closes its database and writes any CPU profile; SIGKILL if it hangs. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
