/**
 * The parts `scimgate sessions …` works with, wired as the server wires them (src/main.ts): the
 * session store over the existing database (./existing-store.ts), every revocation logged in the
 * directory's change log inside its own write — so every server on the database drops its
 * remembered decisions for those sessions at its next request — and the directory with its
 * revocation listener, and the hooks' outbox fed inside the same writes. The caller closes it.
 */
import { findUser } from '../access/index.js';
import { createSqliteAuditLog } from '../audit/index.js';
import { createSessionStore, type SessionStore } from '../access/sessions/index.js';
import { changedUserOf, createDirectory, type Directory } from '../directory/index.js';
import { createHookEvents } from '../hooks/index.js';
import { createRevocationListener } from '../revocation/index.js';
import { openExistingStore } from './existing-store.js';
import { runSessionsCommand } from './sessions-command.js';
import type { CommandOutput } from './token-command.js';

export interface SessionAdmin {
  sessions: SessionStore;
  directory: Directory;
  close(): void;
}

export function openSessionAdmin(databasePath: string, report: (line: string) => void): SessionAdmin | undefined {
  const store = openExistingStore(databasePath, report);
  if (!store) return undefined;
  // An operator's revoke fires the hooks like any other (session.revoked, reason admin).
  const hooks = createHookEvents(store, {
    userById: (id) => {
      const user = directory.users.get(id);
      return user ? changedUserOf(user) : undefined;
    },
  });
  const log = createSqliteAuditLog(store);
  const sessions = createSessionStore({
    store,
    recordRevocation: ({ id, userId, reason }) => directory.recordSessionRevoked(id, { userId, reason }),
    // An operator's revoke is a security event like any other (docs/audit.md); every revocation
    // this process makes is the operator's, so the rows name them as the actor.
    audit: { record: (entry) => log.record({ ...entry, actor: entry.actor ?? 'operator' }) },
    events: hooks.sessions,
  });
  const directory = createDirectory({ store, listeners: [hooks.directory, createRevocationListener(sessions)] });
  return { sessions, directory, close: () => store.close() };
}

/** `scimgate sessions …` on the database at `databasePath`: what the CLI entry runs. */
export function runSessionsOn(databasePath: string, args: readonly string[], flags: ReadonlyMap<string, string>, out: CommandOutput): number {
  const admin = openSessionAdmin(databasePath, (line) => out.error(line));
  if (!admin) return 1;
  try {
    const { directory } = admin;
    return runSessionsCommand(args, flags, {
      sessions: admin.sessions,
      findUser: (ref) => findUser(directory, ref),
      userName: (id) => directory.users.get(id)?.userName,
    }, out);
  } finally {
    admin.close();
  }
}
