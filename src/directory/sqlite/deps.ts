/** What the directory needs from the outside world, injected so tests control time and ids. */
import type { Store } from '../../store/index.js';
import type { ChangeListener } from '../../persistence/directory.js';
import type { OffThreadSearch } from './off-thread-search.js';
import { newResourceId } from '../resource-ids.js';

export interface DirectoryDeps {
  store: Store;
  now?: () => Date;
  newId?: () => string;
  /** Called inside each change's transaction, in order. */
  listeners?: readonly ChangeListener[];
  /** Where searches that may be slow run (directory/sqlite/off-thread-search.ts); without one, every search runs inline. */
  offThread?: OffThreadSearch | undefined;
}

export interface ResolvedDeps {
  store: Store;
  now: () => Date;
  newId: () => string;
  listeners: readonly ChangeListener[];
  offThread: OffThreadSearch | undefined;
}

export function resolveDeps(deps: DirectoryDeps): ResolvedDeps {
  return {
    store: deps.store,
    now: deps.now ?? (() => new Date()),
    newId: deps.newId ?? (() => newResourceId()),
    listeners: deps.listeners ?? [],
    offThread: deps.offThread,
  };
}
