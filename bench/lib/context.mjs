/**
 * What a scenario file gets to work with: the config, a baseline measured once per status code in
 * this run, load measurement with the run's shape, scimgate servers on private tenant copies, and
 * cleanup of every child it started even when a scenario throws.
 */
import { measureLoad } from './load.mjs';
import { readUsers, tenantCopy } from './seed.mjs';
import { startBareHono, startScimgate } from './servers.mjs';

export function createContext(config, log) {
  /** @type {Set<{ stop(): Promise<void> }>} */
  const running = new Set();
  /** @type {Map<number, Promise<import('./load.mjs').LoadResult>>} */
  const baselines = new Map();

  const track = (child) => {
    running.add(child);
    const stop = child.stop;
    return {
      ...child,
      async stop() {
        running.delete(child);
        await stop();
      },
    };
  };

  /** @param {Omit<import('./load.mjs').LoadOptions, 'connections' | 'duration' | 'warmup'>} shape */
  const load = (shape) =>
    measureLoad({ ...shape, connections: config.connections, duration: config.duration, warmup: config.warmup });

  async function measureBaseline(status) {
    const bare = track(await startBareHono({ status }));
    try {
      log(`baseline: bare hono answering ${status}, ${config.connections} connections, ${config.duration} s`);
      return await load({ url: bare.url, requests: [{ path: '/scim/v2/Users/baseline' }], cpuSeconds: bare.cpuSeconds });
    } finally {
      await bare.stop();
    }
  }

  return {
    config,
    log,
    load,
    readUsers,
    /** The bare hono handler's figures for `status`, measured at most once per run. */
    baseline(status = 200) {
      if (!baselines.has(status)) baselines.set(status, measureBaseline(status));
      return baselines.get(status);
    },
    baselines,
    /** A private copy of the cached tenant with `users` users. */
    tenant: (users) => tenantCopy(users, log),
    /** A scimgate server on `database`; stop it when done (the runner stops stragglers). */
    async scimgate(database, label = 'scimgate') {
      return track(await startScimgate({ database, label, cpuProfile: config.cpuProfile }));
    },
    async stopAll() {
      await Promise.all([...running].map((child) => child.stop()));
      running.clear();
    },
  };
}
