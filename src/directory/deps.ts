/** What the directory needs from the outside world, injected so tests control time and ids. */
import type { Store } from '../store/index.js';
import type { ChangeListener } from './events.js';
import { newResourceId } from './resource-ids.js';

export interface DirectoryDeps {
  store: Store;
  now?: () => Date;
  newId?: () => string;
  /** Called inside each change's transaction, in order. */
  listeners?: readonly ChangeListener[];
}

export interface ResolvedDeps {
  store: Store;
  now: () => Date;
  newId: () => string;
  listeners: readonly ChangeListener[];
}

export function resolveDeps(deps: DirectoryDeps): ResolvedDeps {
  return {
    store: deps.store,
    now: deps.now ?? (() => new Date()),
    newId: deps.newId ?? (() => newResourceId()),
    listeners: deps.listeners ?? [],
  };
}
