/**
 * The hook events of one process that writes: the durable outbox and the recorder that appends
 * to it inside the write that causes each event (./event-recorder.ts). Everything that builds the
 * directory, the session store or the token service for a process that writes (the server, the
 * CLI) wires them through `createHookEvents`, so no writer can forget its events.
 */
import type { ChangedUser } from '../persistence/directory.js';
import type { Outbox } from '../persistence/outbox.js';
import type { Store } from '../store/index.js';
import { createEventRecorder, type EventRecorder } from './event-recorder.js';
import { createSqliteOutbox } from './sqlite/outbox.js';

export interface HookEvents extends EventRecorder {
  outbox: Outbox;
}

export interface HookEventsOptions {
  /** The user a session belongs to (for session events); the server passes the directory's. */
  userById?: (id: string) => ChangedUser | undefined;
  /** Told after each append (inside its write): the delivery worker wakes once it has committed. */
  onAppend?: () => void;
  now?: () => Date;
}

export function createHookEvents(store: Pick<Store, 'sqlite' | 'writes'>, options: HookEventsOptions = {}): HookEvents {
  const outbox = createSqliteOutbox(store, {
    ...(options.onAppend ? { onAppend: options.onAppend } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const recorder = createEventRecorder({ outbox, userById: options.userById ?? (() => undefined) });
  return { outbox, ...recorder };
}
