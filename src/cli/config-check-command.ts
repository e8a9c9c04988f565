/**
 * `scimgate config check FILE`: validates a configuration file the way `serve` would — every
 * section, every route policy compiled — and prints every problem with its key and line, so a
 * customer's CI can refuse a broken policy before it reaches a server. Exit 0 when valid, 1 when
 * not, 2 on a usage error. Secret files it names are read (a missing one is a problem too).
 */
import { formatProblem, loadConfig, type Env } from '../config/index.js';

export interface CheckIo {
  log(line: string): void;
  error(line: string): void;
}

export function runConfigCheck(args: readonly string[], env: Env, io: CheckIo): number {
  const [sub, file, ...extra] = args;
  if (sub !== 'check' || !file || extra.length > 0) {
    io.error('usage: scimgate config check FILE');
    return 2;
  }
  // The file alone decides: SCIMGATE_CONFIG must not swap in another one.
  const loaded = loadConfig({ file, env: { ...env, SCIMGATE_CONFIG: undefined } });
  if (!loaded.ok) {
    const { problems } = loaded.error;
    io.error(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    for (const problem of problems) io.error(`  - ${formatProblem(problem)}`);
    return 1;
  }
  const routes = loaded.value.routes;
  const criteria = routes.reduce((sum, route) => sum + route.policy.size, 0);
  io.log(`${file}: ok (${routes.length} route${routes.length === 1 ? '' : 's'}, ${criteria} criteria)`);
  return 0;
}
