#!/usr/bin/env node
/** The `scimgate` command: serve, migrate, token, seed, policy, access, sessions, hooks, audit. */
import { startServer } from '../main.js';
import { openStore } from '../store/index.js';
import { openTokenStore } from './token-store.js';
import { createTokenService } from '../tokens/index.js';
import { createHookEvents } from '../hooks/index.js';
import { configFile, loadCliConfig, parseArgs } from './settings.js';
import { runTokenCommand } from './token-command.js';
import { runSeedCommand } from './seed-command.js';
import { runConfigCheck } from './config-check-command.js';
import { createPolicySource, findUser } from '../access/index.js';
import { runAccessCommand } from './access-command.js';
import { openDirectoryReader, type DirectoryReader } from './directory-reader.js';
import { runPolicyCommand, testHasFixtures } from './policy-command.js';
import { readyBanner } from './ready-banner.js';
import { runSessionsOn } from './session-admin.js';
import { runHooksOn } from './hooks-admin.js';
import { webhookSubscriberId } from '../hooks/webhooks/webhook-subscriber.js';
import { createAuditReader, createSqliteAuditLog } from '../audit/index.js';
import { createUserLookup } from '../directory/sqlite/user-lookup.js';
import { runAuditCommand } from './audit-command.js';
import { openExistingStore } from './existing-store.js';
import { runSsfCommand } from './ssf-command.js';
import { createSsfTokenService, createSsfTransmitter } from '../ssf/index.js';
import { ssfOptionsFrom } from '../ssf/start.js';

const USAGE = `usage: scimgate <command> [options]

commands:
  serve                 start the server (migrations are applied first); SIGHUP or a change
                        to the config file reloads routes and policies without a restart
  migrate               apply pending database migrations and exit
  token create NAME     create a SCIM bearer token (shown once)
  token list            list tokens (name, created, last used, revoked)
  token revoke NAME     revoke a token; takes effect on the next request
  ssf token create|list|revoke NAME
                        bearer tokens of Shared Signals receivers (docs/hooks.md)
  ssf keys rotate       sign SETs with a new key from now on (the old one stays published)
  config check FILE     validate a configuration file (route policies included); prints every
                        problem with its key and line, exits 1 if there is any
  seed [--users N --groups N --memberships N --depth N --url URL --token T]
                        load a generated tenant into a running server through its SCIM API
  policy explain --user USER --url URL [--method M] [--ip A] [--at ISO] [--claim NAME=VALUE]…
                 [--session-age D] [--auth-age D] [--format text|json]
                        the decision for a directory user and a URL, with the evaluated policy:
                        allow, deny, or conditional on facts not given (claims, ages, IP, method)
  policy test TESTFILE  run YAML policy cases (fixture users or the database); exit 1 on failure
  access review --url URL [--method M] [--format table|csv|json]
                        every directory user who can reach URL, and why (conditional ones marked,
                        with the session or request facts they depend on)
  access user USER [--format table|csv|json]
                        every configured route USER can reach
  sessions list [--user USER] [--all] [--limit N] [--format table|json]
                        live sign-in sessions, newest first (--all: ended ones still stored too)
  sessions revoke --user USER
                        end every live session of USER (id or userName) on every server at
                        its next request; reason "admin", announced like any other revocation
  hooks list            hook subscribers (webhooks, SSF streams), each one's cursor, lag, dead letters
  hooks deliveries [--failed] [--subscriber ID] [--limit N] [--format table|json]
                        deliveries, newest first (--failed: dead-lettered ones)
  hooks retry ID        send a dead-lettered delivery again
  hooks replay --since TIME [--subscriber ID]
                        re-send every event since TIME (ISO 8601, or 2h / 7d ago), in order,
                        with the original ids (for a receiver that lost data)
  audit [--since TIME] [--user U] [--type T] [--format table|jsonl]
                        the audit log: SCIM writes, sign-ins, revocations, denies, reloads
  audit verify [--expect SEQ:HASH]
                        check the audit log's hash chain; exit 1 naming the first bad row;
                        --expect: a head the server logged (auditHead) must still be there
  audit prune [--before TIME [--force]]
                        delete audit rows past audit.retention (the cut is recorded;
                        a TIME inside the retention needs --force)

options (environment variable in brackets; flags win over the config file and the environment):
  --config FILE         YAML configuration [SCIMGATE_CONFIG] (see docs/configuration.md);
                        without one, scimgate serves SCIM only and sign-in is disabled
  --host HOST           listen address [HOST] (default 127.0.0.1)
  --port PORT           listen port [PORT] (default 8080)
  --database PATH       SQLite file [SCIMGATE_DATABASE] (default ./data/scimgate.db)
  --public-url URL      external base URL [SCIMGATE_PUBLIC_URL]
  --log-level LEVEL     pino level [SCIMGATE_LOG_LEVEL] (default info)
  [SCIMGATE_SCIM_TOKEN] bootstrap one SCIM token at start (for compose and CI)`;

async function main(argv: string[]): Promise<number> {
  const { positional, flags, repeated } = parseArgs(argv);
  const [command, ...rest] = positional;
  if (!command || flags.has('help') || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'config') return runConfigCheck(rest, process.env, console);
  if (command === 'seed') {
    return runSeedCommand(flags, process.env, {
      fetch: (url, init) => fetch(url, init),
      progress: (text) => void process.stderr.write(text),
      log: (line) => console.log(line),
      error: (line) => console.error(line),
    });
  }
  const loaded = loadCliConfig(flags, process.env);
  if (!loaded.ok) {
    console.error(loaded.error.message);
    return 1;
  }
  const config = loaded.value;
  const databasePath = config.database.path;
  switch (command) {
    case 'serve': {
      const running = await startServer(config, {
        reload: { file: configFile(flags, process.env), load: () => loadCliConfig(flags, process.env) },
      });
      console.error(readyBanner({ url: running.url, databasePath, tokenConfigured: config.scim.token !== undefined, redirectUri: config.oidc?.redirectUri }));
      // SIGHUP: reload routes and policies without a restart (an invalid file keeps the running ones).
      process.on('SIGHUP', () => void running.reload('SIGHUP'));
      const stop = () => void running.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return -1; // keep running
    }
    case 'migrate': {
      openStore(databasePath).close();
      console.log(`database ${databasePath} is up to date`);
      return 0;
    }
    case 'access':
    case 'policy': {
      const needsDatabase = !(command === 'policy' && rest[0] === 'test' && testHasFixtures(rest[1]));
      const reader = needsDatabase ? openDirectoryReader(config, (line) => console.error(line)) : undefined;
      if (needsDatabase && !reader) return 1;
      const policies = reader?.policies ?? createPolicySource(config.routes);
      try {
        if (command === 'access') {
          const directory = (reader as DirectoryReader).directory;
          return runAccessCommand(rest, flags, { bulk: directory.bulk, policies, users: directory.users, lookup: directory.lookup }, console);
        }
        const explainDeps = () => {
          const directory = (reader as DirectoryReader).directory;
          return { users: directory.users, lookup: directory.lookup, effectiveGroups: (id: string) => directory.effective.effectiveGroups(id), policies };
        };
        return runPolicyCommand(rest, flags, {
          explain: explainDeps,
          tests: () => ({
            policies,
            ...(reader ? { directory: (ref: string) => {
              const d = explainDeps();
              const user = findUser(d, ref);
              return user ? { user, groups: d.effectiveGroups(user.id) } : undefined;
            } } : {}),
          }),
        }, console, repeated);
      } finally {
        reader?.close();
      }
    }
    case 'sessions':
      return runSessionsOn(databasePath, rest, flags, console);
    case 'hooks':
      return runHooksOn(
        databasePath,
        config.hooks.webhooks.map((w) => ({ id: webhookSubscriberId(w.name), target: w.url, events: w.events })),
        rest,
        flags,
        console,
      );
    case 'audit': {
      const store = openExistingStore(databasePath, (line) => console.error(line));
      if (!store) return 1;
      try {
        const lookup = createUserLookup(store);
        const userIdOf = (ref: string) => {
          const found = lookup.findUserByAttribute('userName', ref);
          return found.found === 'one' ? found.user.id : undefined;
        };
        const deps = { reader: createAuditReader(store.sqlite), log: createSqliteAuditLog(store), userIdOf, retentionSeconds: config.audit.retentionSeconds, now: () => new Date() };
        return runAuditCommand(rest, flags, deps, console);
      } finally {
        store.close();
      }
    }
    case 'token': {
      const store = openTokenStore(databasePath, (line) => console.error(line));
      if (!store) return 1;
      try {
        // Token changes are audited and fire the hooks like the server's own (scim_token.created / revoked).
        return runTokenCommand(rest, createTokenService({ ...store, audit: createSqliteAuditLog(store), events: createHookEvents(store).tokens }), console);
      } finally {
        store.close();
      }
    }
    case 'ssf': {
      const store = openTokenStore(databasePath, (line) => console.error(line));
      if (!store) return 1;
      try {
        return await runSsfCommand(
          rest,
          {
            tokens: () => createSsfTokenService(store, createSqliteAuditLog(store)),
            keys: () =>
              createSsfTransmitter(store, ssfOptionsFrom(config)).keys,
          },
          console,
        );
      } finally {
        store.close();
      }
    }
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
