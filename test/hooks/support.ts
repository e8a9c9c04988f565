/**
 * A SCIM app wired with the hooks as main.ts wires them: the outbox, the event recorder as the
 * directory's first listener, the revocation listener after it, sessions and tokens telling it.
 */
import { createSessionStore, type SessionStore } from '../../src/access/sessions/index.js';
import { changedUserOf, type Directory } from '../../src/directory/index.js';
import { createHookEvents, type HookEvents } from '../../src/hooks/index.js';
import type { HookEvent } from '../../src/persistence/index.js';
import { createRevocationListener } from '../../src/revocation/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { createTokenService, type TokenService } from '../../src/tokens/index.js';
import { createTestScimApp, type TestScimApp, type Transport } from '../support/scim-app.js';

export interface HookedApp extends TestScimApp {
  hooks: HookEvents;
  sessions: SessionStore;
  tokens: TokenService;
  /** Every event in the outbox, oldest first. */
  events(): HookEvent[];
}

export function createHookedApp(options: { store?: Store; transport?: Transport; onAppend?: () => void } = {}): HookedApp {
  const store = options.store ?? openStore(':memory:');
  let directory: Directory | undefined;
  const hooks = createHookEvents(store, {
    userById: (id) => {
      const user = directory?.users.get(id);
      return user ? changedUserOf(user) : undefined;
    },
    ...(options.onAppend ? { onAppend: options.onAppend } : {}),
  });
  const sessions = createSessionStore({ store, events: hooks.sessions });
  const app = createTestScimApp({
    store,
    directory: { listeners: [hooks.directory, createRevocationListener(sessions)] },
    ...(options.transport ? { transport: options.transport } : {}),
  });
  directory = app.directory;
  const tokens = createTokenService({ ...store, events: hooks.tokens });
  return { ...app, hooks, sessions, tokens, events: () => hooks.outbox.readAfter(0, 1_000_000) };
}

export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SESSION = { tenantId: 't', issuer: 'https://op.example', subject: 'sub-1', absoluteTtlSeconds: 3600, idleTtlSeconds: 600 };
