/**
 * What a scenario file gets to work with: the config, the bare hono baseline (kept running for the
 * whole run and re-measured next to each scenario that asks, so both see the same machine load),
 * load measurement with the run's shape, scimgate servers on private tenant copies, and cleanup of
 * every child it started even when a scenario throws.
 */
import { measureLoad } from './load.mjs';
import { alternate } from './rounds.mjs';
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
     * `shape` against the bare hono handler answering `status`, in config.rounds alternating rounds
     * of config.duration each (after one warm-up of each). Returns both sides' medians and the
     * per-round ratios (shape / bare) for loadRow.
     */
    async versusBaseline(status, shape) {
      const server = await bare(status);
      const bareShape = { url: server.url, requests: [{ path: '/scim/v2/Users/baseline' }], cpuSeconds: server.cpuSeconds };
      const counter = { n: 0 };
      await load({ ...bareShape, duration: Math.min(config.warmup, 0.5), warmup: 0 });
      await load({ ...shape, counter, duration: config.warmup, warmup: 0 });
      log(`${config.rounds} alternating rounds of ${config.duration} s against bare hono ${status}`);
      const { a, b, ratios } = await alternate(
        config.rounds,
        () => load({ ...shape, counter, warmup: 0 }),
        () => load({ ...bareShape, warmup: 0 }),
      );
      baselines.set(status, [...(baselines.get(status) ?? []), b]);
      return { measure: a, baseline: b, ratios };
    },
    baselines,
    /** A private copy of the cached tenant with `users` users. */
    tenant: (users) => tenantCopy(users, log),
    /** A scimgate server on `database` (extra `env` for its config); stop it when done (the runner stops stragglers). */
    async scimgate(database, label = 'scimgate', env = {}) {
      return track(await startScimgate({ database, label, env, cpuProfile: config.cpuProfile }));
    },
    async stopAll() {
      await Promise.all([...running].map((child) => child.stop()));
      running.clear();
      bareServers.clear();
    },
  };
}
