/**
 * Boot: from a validated Config, open the store (migrating it) with its background checkpoints,
 * build the parts — sessions,
 * the directory with its in-transaction revocation listener, the decision-cache generation,
 * tokens, and the OIDC client when sign-in is configured (retrying an unreachable provider in the
 * background rather than failing the boot) — hand them to
 * createNodeListener (the app behind its node fast paths), listen, reload the routes when asked
 * or when the config file changes (src/config/reloader.ts), and shut down cleanly on SIGINT/SIGTERM.
 * The hooks' delivery worker (src/hooks/) runs beside the server and stops before the store closes.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { buildAccess, createDirectoryGeneration, createPolicySource, oidcClientConfig } from './access/index.js';
import { connectProvider, type ProviderConnection, type RetryPolicy } from './access/oidc/index.js';
import { createSessionStore, startSessionSweep } from './access/sessions/index.js';
import { createNodeListener } from './app.js';
import { createAuditedWrites, createSqliteAuditLog, startAuditRetention, startSampledAudit } from './audit/index.js';
import { createConfigReloader, type Config, type ConfigError, type ReloadOutcome } from './config/index.js';
import { ok, type Result } from './shared/result.js';
import { changedUserOf, createDirectory, startOffThreadSearch } from './directory/index.js';
import { createSubscriberEnrolment, startServerHooks, webhookChanges, type SubscriberSource } from './hooks/index.js';
import { parseLinkAttribute } from './directory/sqlite/user-lookup.js';
import { createLogger, type Logger } from './http/logger.js';
import { serverTimeoutOptions } from './http/server-timeouts.js';
import { createRevocationListener } from './revocation/index.js';
import { DEFAULT_SCIM_LIMITS } from './scim/routes.js';
import { openedFile, openStore, startCheckpointer } from './store/index.js';
import { serverKey } from './store/server-keys.js';
import { createTokenService } from './tokens/index.js';
import { startSsf } from './ssf/start.js';

export interface RunningServer {
  url: string;
  server: Server;
  /** Reloads the configuration now (the CLI calls it on SIGHUP); see src/config/reloader.ts. */
  reload(trigger: string): ReloadOutcome;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Seals pending-login cookies. Default: a key made at first start and kept in the database. */
  pendingLoginKey?: Uint8Array;
  /**
   * How to load the configuration again (file + environment + flags, as at boot) for reloads;
   * `file` is watched for changes. Without it, `reload` re-applies the boot configuration.
   */
  reload?: { file: string | undefined; load(): Result<Config, ConfigError>; watch?: boolean; debounceMs?: number };
  /** How discovery of an unreachable identity provider is retried (default: 1 s doubling to 60 s). */
  oidcRetry?: RetryPolicy;
  /** More hook subscribers beside the configured webhooks (SSF streams). */
  hookSources?: readonly SubscriberSource[];
}

/** The search thread's entry (src/search-thread.ts) beside this module: the `.ts` source when run from source (tests), else the built `.js`. */
const SEARCH_THREAD_ENTRY = new URL(`./search-thread.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: config.logging.level });
  const store = openStore(config.database.path);
  // Checkpoints off the event loop (src/store/checkpointer.ts); closed after the server, before the store.
  const checkpointer = startCheckpointer(store, {
    onFailure: (reason) => logger.warn({ reason }, 'background checkpoints stopped; SQLite checkpoints automatically again'),
  });
  // Searches that may be slow read on their own thread and connection (src/directory/sqlite/off-thread-search.ts).
  const offThread =
    store.path === ':memory:'
      ? undefined
      : startOffThreadSearch(openedFile(store.sqlite, store.path), {
          entry: SEARCH_THREAD_ENTRY,
          onFailure: (reason) => logger.warn({ reason }, 'the search thread stopped; the next slow search starts a new one'),
        });
  // The audit log (docs/audit.md): rows appended inside the writes they record; denies and refused
  // sign-ins sampled and appended off the request path; retention applied at start and hourly.
  const auditLog = createSqliteAuditLog(store);
  const sampledAudit = startSampledAudit({
    log: auditLog,
    writes: store.writes,
    onFailure: (error, entry) => logger.warn({ err: error, type: entry?.type }, entry ? 'a sampled audit entry could not be appended; dropped (counted in audit.dropped)' : 'sampled audit entries could not be written; tried again at the next tick'),
  });
  const retention = startAuditRetention({
    log: auditLog,
    retentionSeconds: config.audit.retentionSeconds,
    onPruned: (deleted, before) => logger.info({ deleted, before: before.toISOString() }, 'audit rows past their retention pruned'),
    onFailure: (error) => logger.warn({ err: error }, 'audit retention could not prune now; it tries again in an hour'),
    // Shipped logs keep these anchors outside the database: `scimgate audit verify --expect SEQ:HASH`.
    onHead: (head) => logger.info({ auditHead: head ?? null }, 'audit log head'),
  });
  let provider: ProviderConnection | undefined;
  let stopSsf: (() => void) | undefined;
  let stopHooks: (() => Promise<void>) | undefined;
  let stopSessionSweep: (() => void) | undefined;
  const closeStore = async () => {
    provider?.stop();
    stopSessionSweep?.();
    // Before the store closes: in-flight sends are aborted and this process's leases given up.
    await stopHooks?.();
    retention.stop();
    try {
      sampledAudit.stop();
    } catch (error) {
      logger.warn({ err: error }, 'buffered audit entries could not be written at shutdown');
    }
    stopSsf?.();
    await offThread?.stop();
    await checkpointer.stop();
    store.close();
  };
  try {
    // Hook events, their subscribers and delivery (src/hooks/server-hooks.ts).
    const hooks = startServerHooks({
      store,
      config: config.hooks,
      log: logger,
      userById: (id) => {
        const user = directory.users.get(id);
        return user ? changedUserOf(user) : undefined;
      },
      ...(options.hookSources ? { sources: options.hookSources } : {}),
    });
    stopHooks = hooks.stop;
    const tokens = createTokenService({ ...store, audit: auditLog, events: hooks.tokens });
    if (config.scim.token) {
      const { outcome, record } = tokens.ensureBootstrapToken(config.scim.token);
      logger.info({ token: record.name, outcome }, 'bootstrap SCIM token from configuration');
      if (record.revokedAt) logger.warn({ token: record.name }, 'the bootstrap SCIM token is revoked; set a new value to re-enable it');
    }
    // A revocation that happens outside a directory change (sign-out) also moves the generation.
    // Every revocation is logged too (sign-outs, operators' revokes from `scimgate sessions`
    // included), so other servers on this database hear of it (session-store.ts).
    const sessions = createSessionStore({
      store,
      onRevoke: () => void generation.bump(),
      recordRevocation: ({ id, userId, reason }) => directory.recordSessionRevoked(id, { userId, reason }),
      audit: auditLog,
      events: hooks.sessions,
    });
    // Idle sessions end with reason expired-early (hooks and audit hear of it); old rows go.
    stopSessionSweep = startSessionSweep(sessions, {
      onSwept: (ended, deleted) => logger.info({ ended, deleted }, 'idle sessions ended and expired rows deleted'),
      onFailure: (error) => logger.warn({ err: error }, 'the session sweep could not run now; it tries again in a minute'),
    }).stop;
    // The hooks' listener first: a deprovisioning's user event precedes the revocations it causes.
    // Group writes work out user.groups_changed only while a subscriber may take it.
    const directory = createDirectory({
      store,
      listeners: [hooks.directory, createRevocationListener(sessions)],
      offThread,
      effectiveGroupChanges: () => hooks.mayAccept('user.groups_changed'),
    });
    const generation = createDirectoryGeneration(directory.version);

    const auditedWrites = createAuditedWrites(store.writes, auditLog);
    let access;
    // Built even without sign-in: the admin API explains decisions by the same routes.
    const policies = createPolicySource(config.routes);
    if (config.oidc) {
      const link = parseLinkAttribute(config.oidc.link.attribute);
      if (!link.ok) throw new Error(`oidc.link.attribute: ${link.error}`);
      const issuer = config.oidc.issuer;
      // An unreachable provider leaves sign-in answering 503 until it is reached; SCIM and
      // existing sessions do not need it (src/access/oidc/provider-connection.ts).
      provider = await connectProvider(oidcClientConfig(config.oidc, config.sessions.loginTtlSeconds), {
        ...(options.oidcRetry ? { retry: options.oidcRetry } : {}),
        events: {
          failed: ({ attempt, cause, code, retryInMs }) =>
            logger.warn(
              { issuer, attempt, cause: cause.detail, causeKind: cause.kind, code, retryInMs },
              `identity provider discovery failed (${cause.detail}); sign-in answers 503 until it succeeds`,
            ),
          connected: ({ attempt, issuer: discovered }) => logger.info({ issuer: discovered, attempt }, 'identity provider discovered; sign-in available'),
        },
      });
      const built = buildAccess({
        config: { ...config, oidc: config.oidc },
        oidc: provider,
        store,
        directory,
        sessions,
        generation,
        pendingLoginKey: options.pendingLoginKey ?? serverKey(store, 'pending-login', 32),
        policies,
      });
      access = { ...built.routes, audit: { writes: auditedWrites, sampled: sampledAudit } };
      if (provider.waitSeconds() === undefined) logger.info({ issuer, redirectUri: config.oidc.redirectUri }, 'sign-in enabled');
      else logger.warn({ issuer, redirectUri: config.oidc.redirectUri }, 'sign-in enabled, waiting for the identity provider');
    } else {
      logger.info('sign-in disabled: no oidc section configured (SCIM only; /oauth2/* answers 404)');
    }
    const publicUrl = config.server.publicUrl.origin;
    const ssf = config.ssf.enabled ? startSsf(store, config, logger, { audit: auditLog, enrol: createSubscriberEnrolment(store, hooks.outbox) }) : undefined;
    if (ssf) {
      stopSsf = ssf.stop;
      hooks.joinSsf(ssf.transmitter.source);
    }
    const appDeps = {
      directory,
      tokens,
      logger,
      scimLimits: { ...DEFAULT_SCIM_LIMITS, maxResults: config.scim.maxResults, maxPayloadBytes: config.scim.maxPayloadBytes },
      publicUrl: explicitPublicUrl(config) ? publicUrl : undefined,
      scimReadCacheBytes: config.scim.readCacheMb * 1024 * 1024,
      scimAudit: auditedWrites,
      scimRateLimit: config.scim.rateLimit,
      // Shared through the database, so a cursor from one server is good on every other.
      pageCursorKey: serverKey(store, 'page-cursor', 32),
      access,
      ssf: ssf?.transmitter.routes,
      admin: config.admin.token
        ? {
            token: config.admin.token,
            explain: { users: directory.users, lookup: directory.lookup, effectiveGroups: (id: string) => directory.effective.effectiveGroups(id), policies },
          }
        : undefined,
    };
    // Requests without a Host header (HTTP/1.0 health checks) are read as addressed to the public host.
    const { listener } = createNodeListener(appDeps, { defaultHostname: config.server.publicUrl.host });
    let auditedWebhooks = config.hooks.webhooks;
    const reloader = createConfigReloader({
      file: options.reload?.file,
      load: options.reload?.load ?? (() => ok(config)),
      apply: (next) => {
        policies.replace(next.routes);
        hooks.reconfigure(next.hooks);
      },
      initial: config,
      log: logger,
      watch: options.reload?.watch ?? options.reload?.file !== undefined,
      ...(options.reload?.debounceMs !== undefined ? { debounceMs: options.reload.debounceMs } : {}),
      onOutcome: (trigger, outcome) => {
        // Webhooks added, removed or changed (a rotated secret included) are a hook change of their own.
        const hooksChanged = outcome.status === 'applied' ? webhookChanges(auditedWebhooks, outcome.config.hooks.webhooks) : undefined;
        if (outcome.status === 'applied') auditedWebhooks = outcome.config.hooks.webhooks;
        const data =
          outcome.status === 'applied'
            ? { trigger, outcome: 'applied', routes: outcome.config.routes.length, restartNeeded: outcome.restartNeeded }
            : { trigger, outcome: 'invalid', problems: outcome.problems.length };
        try {
          store.writes.write(() => {
            auditLog.record({ type: 'config.reloaded', actor: 'operator', data: { ...data, ...(options.reload?.file ? { file: options.reload.file } : {}) } });
            if (hooksChanged) auditLog.record({ type: 'hooks.changed', actor: 'operator', data: { ...hooksChanged } });
          });
        } catch (error) {
          logger.warn({ err: error }, 'the config reload could not be recorded in the audit log');
        }
      },
    });
    const stopReloads = async () => {
      reloader.close();
      await closeStore();
    };
    try {
      return { ...(await listen(listener, config, stopReloads, logger, explicitPublicUrl(config) ? publicUrl : undefined)), reload: reloader.reload };
    } catch (error) {
      reloader.close();
      throw error;
    }
  } catch (error) {
    await closeStore();
    throw error;
  }
}

async function listen(
  listener: RequestListener,
  config: Config,
  closeStore: () => Promise<void>,
  logger: Logger,
  publicUrl: string | undefined,
): Promise<Omit<RunningServer, 'reload'>> {
  const { host } = config.server;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = createServer(serverTimeoutOptions(config.server.timeouts), listener);
    s.once('error', reject);
    s.listen(config.server.port, host, () => {
      s.off('error', reject);
      resolve(s);
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = publicUrl ?? `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
  logger.info({ database: config.database.path, scimBaseUrl: `${url}/scim/v2` }, 'scimgate listening');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      server.close(() => {
        void closeStore().then(resolve);
      });
      // Keep-alive connections would hold close() open; SCIM clients retry, so end them.
      if ('closeAllConnections' in server) server.closeAllConnections();
    }));
  return { url, server, close };
}

/** The loader fills publicUrl with http://localhost:PORT when unset; SCIM then uses each request's own URL. */
function explicitPublicUrl(config: Config): boolean {
  const u = config.server.publicUrl;
  return !(u.protocol === 'http:' && u.hostname === 'localhost' && u.port === String(config.server.port));
}
