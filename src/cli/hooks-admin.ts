/**
 * `scimgate hooks …` on a database as it is (./existing-store.ts: never created, never migrated —
 * a running server may use it): the hooks module's delivery administration over it, and the
 * webhooks the configuration names. A retry or a replay is one write each, through the store's
 * unit of work; the worker of any server on the database picks it up. The caller's exit code.
 */
import { createHookAdmin } from '../hooks/sqlite/delivery-admin.js';
import { openExistingStore } from './existing-store.js';
import { runHooksCommand, type ConfiguredSubscriber } from './hooks-command.js';
import type { CommandOutput } from './token-command.js';

export function runHooksOn(
  databasePath: string,
  configured: readonly ConfiguredSubscriber[],
  args: readonly string[],
  flags: ReadonlyMap<string, string>,
  out: CommandOutput,
): number {
  const store = openExistingStore(databasePath, (line) => out.error(line));
  if (!store) return 1;
  try {
    return runHooksCommand(args, flags, { admin: createHookAdmin(store), configured }, out);
  } finally {
    store.close();
  }
}
