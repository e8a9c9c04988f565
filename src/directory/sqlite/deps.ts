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
  /**
   * Asked at each group write: whether to work out, for the listeners, who gained or lost which
   * effective groups (ChangeEvent.effectiveGroups). That costs reads over every user the write
   * reaches — 10,000 for a 10,000-member group nested somewhere — so the server asks for it only
   * while a hook subscriber takes user.groups_changed. Default: whenever there are listeners.
   */
  effectiveGroupChanges?: () => boolean;
}

export interface ResolvedDeps {
  store: Store;
  now: () => Date;
  newId: () => string;
  listeners: readonly ChangeListener[];
  offThread: OffThreadSearch | undefined;
  effectiveGroupChanges: () => boolean;
}

export function resolveDeps(deps: DirectoryDeps): ResolvedDeps {
  return {
    store: deps.store,
    now: deps.now ?? (() => new Date()),
    newId: deps.newId ?? (() => newResourceId()),
    listeners: deps.listeners ?? [],
    offThread: deps.offThread,
    effectiveGroupChanges: deps.effectiveGroupChanges ?? (deps.listeners && deps.listeners.length > 0 ? () => true : () => false),
  };
}
