/**
 * TEMPORARY, until h1's src/persistence/outbox.ts and src/hooks/subscriber.ts land on main: the
 * outbox event and subscriber shapes exactly as fixed in the hooks spec (HOOKS-SPEC.md), so the
 * transmitter could be built and tested against them. Replaced by imports of the real files.
 */
export type HookEventType =
  | 'user.deactivated' | 'user.reactivated' | 'user.deleted'
  | 'user.groups_changed'
  | 'session.created' | 'session.revoked'
  | 'scim_token.created' | 'scim_token.revoked';

export type SessionRevokeReason = 'deprovisioned' | 'signed-out' | 'admin' | 'expired-early';

export interface HookUser { id: string; userName: string; externalId?: string; email?: string }
export interface HookGroupRef { id: string; displayName: string }

export interface HookEvent {
  id: string;
  seq: number;
  type: HookEventType;
  occurredAt: string;
  user?: HookUser;
  session?: { id: string; issuer: string; subject: string; reason?: SessionRevokeReason };
  token?: { id: string; name: string };
  groups?: { added: HookGroupRef[]; removed: HookGroupRef[] };
}




export type SendOutcome =
  | { ok: true }
  | { ok: false; retryable: boolean; reason: string; retryAfterMs?: number };

export interface HookSubscriber {
  id: string;
  accepts(event: HookEvent): boolean;
  send(event: HookEvent, signal: AbortSignal): Promise<SendOutcome>;
}

export interface SubscriberSource {
  subscribers(): readonly HookSubscriber[];
}
