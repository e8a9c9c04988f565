/**
 * What a scenario file gets to work with: the config, the bare hono baseline (kept running for the
 * whole run and re-measured next to each scenario that asks, so both see the same machine load),
 * load measurement with the run's shape, scimgate servers on private tenant copies, and cleanup of
 * every child it started even when a scenario throws.
 */
import { measureLoad } from './load.mjs';
import { readUsers, tenantCopy } from './seed.mjs';
import { startBareHono, startScimgate } from './servers.mjs';

export function createContext(config, log) {
  /** @type {Set<{ stop(): Promise<void> }>} */
  const running = new Set();
  /** Bare servers by status code, started on first use. */
  const bareServers = new Map();
  /** @type {Map<number, import('./load.mjs').LoadResult[]>} every baseline measurement, by status */
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

  /** @param {Omit<import('./load.mjs').LoadOptions, 'connections'> & { duration?: number, warmup?: number }} shape */
  const load = (shape) => measureLoad({ connections: config.connections, duration: config.duration, warmup: config.warmup, ...shape });

  async function bare(status) {
    if (!bareServers.has(status)) bareServers.set(status, startBareHono({ status }).then(track));
    return bareServers.get(status);
  }

  return {
    config,
    log,
    load,
    readUsers,
    /**
     * Measure the bare hono handler answering `status` now, with the run's connections and duration.
     * Call it right before the scenario it is compared with; every measurement is kept for the report.
     */
    async baseline(status = 200) {
      const server = await bare(status);
      log(`baseline: bare hono answering ${status}`);
      // The server stays up between measurements, so a short warm-up only re-opens the sockets.
      const measure = await load({ url: server.url, requests: [{ path: '/scim/v2/Users/baseline' }], cpuSeconds: server.cpuSeconds, warmup: Math.min(config.warmup, 0.5) });
      baselines.set(status, [...(baselines.get(status) ?? []), measure]);
      return measure;
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
      bareServers.clear();
    },
  };
}
