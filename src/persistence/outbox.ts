/**
 * The hooks' durable outbox, as any implementation must provide it: every event that matters to
 * downstream systems (webhooks, SSF streams) is appended in the same write as the change that
 * causes it, so the event commits or rolls back with its cause, and is read back in commit order
 * by the delivery worker (src/hooks/). The SQLite implementation is src/hooks/sqlite/outbox.ts;
 * the contract is test/contract/outbox-contract.ts. Shapes fixed for issue 14 (notes: HOOKS-SPEC).
 */
import type { HookEventTypeName } from '../shared/hook-event-types.js';

/** user.groups_changed: effective (transitive) groups changed, directly or through nesting. The list: src/shared/hook-event-types.ts. */
export type HookEventType = HookEventTypeName;
export type SessionRevokeReason = 'deprovisioned' | 'signed-out' | 'admin' | 'expired-early';

export interface HookUser {
  id: string;
  userName: string;
  externalId?: string;
  email?: string;
}

export interface HookGroupRef {
  id: string;
  displayName: string;
}

export interface HookEvent {
  /** Stable and unique ("evt_" + random); the same on every redelivery and replay. */
  id: string;
  /** Commit order: strictly increasing across processes (the outbox table's integer key). */
  seq: number;
  type: HookEventType;
  /** ISO 8601. */
  occurredAt: string;
  /** Every user.* and session.* event (captured before a delete). */
  user?: HookUser;
  session?: { id: string; issuer: string; subject: string; reason?: SessionRevokeReason };
  /** scim_token.* */
  token?: { id: string; name: string };
  /** user.groups_changed */
  groups?: { added: HookGroupRef[]; removed: HookGroupRef[] };
}

export type NewHookEvent = Omit<HookEvent, 'id' | 'seq' | 'occurredAt'> & { occurredAt?: string };

export interface Outbox {
  /** Appends inside the caller's `store.writes.write` (throws outside one): the event commits or rolls back with its cause. */
  append(event: NewHookEvent): HookEvent;
  /** Events with seq > after, oldest first, at most `limit`. */
  readAfter(after: number, limit: number): HookEvent[];
  /** The highest seq so far (0 when empty). */
  head(): number;
}
