/**
 * Bench knobs, read once from the environment so every scenario runs under the same load shape.
 * Defaults keep the issue-2 set at about two minutes on a 2-core machine.
 */
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CACHE_DIR = fileURLToPath(new URL('../.cache/', import.meta.url));

function number(env, name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

/** @param {NodeJS.ProcessEnv} env */
export function loadConfig(env = process.env) {
  return {
    /** Seconds of measured load per scenario. */
    duration: number(env, 'BENCH_DURATION', 5),
    /** Seconds of discarded load before each measurement (JIT, SQLite page cache, keep-alive sockets). */
    warmup: number(env, 'BENCH_WARMUP', 1),
    connections: number(env, 'BENCH_CONNECTIONS', 50),
    /** Alternating rounds (bare, scimgate, scimgate, bare, …) per comparison with the baseline. */
    rounds: Math.max(1, Math.round(number(env, 'BENCH_ROUNDS', 3))),
    /** The "small" tenant most scenarios run against. */
    smallUsers: number(env, 'BENCH_USERS_SMALL', 1_000),
    /** The tenant the `userName eq` scale comparison runs against. */
    largeUsers: number(env, 'BENCH_USERS_LARGE', 100_000),
    /** Only scenario files whose name matches this regular expression. */
    only: env.BENCH_ONLY ? new RegExp(env.BENCH_ONLY) : undefined,
    /** Within a scenario file, only the cases whose name matches this regular expression (for profiling one). */
    cases: env.BENCH_CASES ? new RegExp(env.BENCH_CASES) : undefined,
    /** Write a V8 CPU profile of every scimgate server child to bench/.cache/profiles/. */
    cpuProfile: env.BENCH_CPU_PROF === '1',
  };
}
