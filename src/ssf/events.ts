/**
 * Which Security Event Tokens an outbox event becomes, pure: the CAEP and RISC event types
 * scimgate transmits, the subject each is about (`sub_id`, SSF 1.0 §3.1), the event body, and
 * the identifiers a stream's subject filter is matched against.
 *
 * - user.deactivated → CAEP session-revoked (every session of the user), then RISC account-disabled;
 * - user.deleted     → CAEP session-revoked, then RISC account-purged;
 * - user.reactivated → RISC account-enabled;
 * - session.revoked  → CAEP session-revoked about that session (complex subject: user + session),
 *   except when its reason is `deprovisioned`: the user-wide session-revoked of the same
 *   transaction's user.deactivated / user.deleted already says it, for every session at once.
 *
 * CAEP credential-change is not sent: it reports changes to a subject's authentication credentials
 * (password, PIN, X.509, FIDO, phone, app — CAEP 1.0 §3.3, `credential_type` REQUIRED and one of
 * those "or any other credential type supported mutually"). scimgate holds no credential of any
 * user (sign-in is delegated to the OpenID provider; SCIM passwords are not stored). Its only
 * credentials are the provisioning client's SCIM bearer tokens, for which CAEP has no type, and a
 * made-up one would break that MUST for every receiver that has not agreed to it. Token changes go
 * to webhooks (scim_token.*) and the audit log instead; docs/hooks.md says so.
 */
import type { HookEvent, HookUser, SessionRevokeReason } from '../persistence/outbox.js';
import type { PrincipalIds, SimpleSubject, Subject } from './subjects.js';

export const CAEP_SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
export const RISC_ACCOUNT_DISABLED = 'https://schemas.openid.net/secevent/risc/event-type/account-disabled';
export const RISC_ACCOUNT_ENABLED = 'https://schemas.openid.net/secevent/risc/event-type/account-enabled';
export const RISC_ACCOUNT_PURGED = 'https://schemas.openid.net/secevent/risc/event-type/account-purged';
/** SSF 1.0 §8.1.4.1: sent on request, whatever the stream's events; never listed as supported. */
export const SSF_VERIFICATION = 'https://schemas.openid.net/secevent/ssf/event-type/verification';

/** `events_supported` of every stream. */
export const EVENTS_SUPPORTED: readonly string[] = [CAEP_SESSION_REVOKED, RISC_ACCOUNT_DISABLED, RISC_ACCOUNT_ENABLED, RISC_ACCOUNT_PURGED];

/** One SET to be: its event type and body, its subject, and the jti suffix that keeps jtis unique. */
export interface SsfEvent {
  type: string;
  body: Record<string, unknown>;
  subject: Subject;
  /** Appended to the outbox event id when one outbox event yields several SETs. */
  jtiSuffix?: string;
}

export interface MappedEvent {
  /** In the order they are to be sent. */
  events: SsfEvent[];
  /** What the stream's subjects are matched against. */
  principal: PrincipalIds;
}

/** CAEP 1.0 §2: who set the revocation going, by our revoke reason. */
const INITIATING_ENTITY: Record<SessionRevokeReason, 'admin' | 'user' | 'policy' | 'system'> = {
  deprovisioned: 'admin',
  'signed-out': 'user',
  admin: 'admin',
  'expired-early': 'policy',
};

const REASON_ADMIN: Record<SessionRevokeReason, string> = {
  deprovisioned: 'The account was deprovisioned by the identity provider',
  'signed-out': 'The user signed out',
  admin: 'An operator revoked the session',
  'expired-early': 'The session was ended before its expiry by policy',
};

/** The SETs an outbox event becomes; undefined when it becomes none. */
export function mapHookEvent(event: HookEvent): MappedEvent | undefined {
  const user = event.user;
  if (!user) return undefined;
  const at = eventTimestamp(event.occurredAt);
  const subject = userSubject(user);
  switch (event.type) {
    case 'user.deactivated':
      return {
        principal: userPrincipal(user),
        events: [
          { type: CAEP_SESSION_REVOKED, body: caepBody('deprovisioned', at, 'The account was deactivated by the identity provider'), subject, jtiSuffix: 'session-revoked' },
          { type: RISC_ACCOUNT_DISABLED, body: {}, subject, jtiSuffix: 'account-disabled' },
        ],
      };
    case 'user.deleted':
      return {
        principal: userPrincipal(user),
        events: [
          { type: CAEP_SESSION_REVOKED, body: caepBody('deprovisioned', at, 'The account was deleted by the identity provider'), subject, jtiSuffix: 'session-revoked' },
          { type: RISC_ACCOUNT_PURGED, body: {}, subject, jtiSuffix: 'account-purged' },
        ],
      };
    case 'user.reactivated':
      return { principal: userPrincipal(user), events: [{ type: RISC_ACCOUNT_ENABLED, body: {}, subject }] };
    case 'session.revoked': {
      const session = event.session;
      if (!session || session.reason === 'deprovisioned') return undefined;
      const reason = session.reason ?? 'admin';
      const userId: SimpleSubject = { format: 'iss_sub', iss: session.issuer, sub: session.subject };
      const sessionId: SimpleSubject = { format: 'opaque', id: session.id };
      return {
        principal: { user: [...userPrincipal(user).user, userId], session: [sessionId] },
        events: [{ type: CAEP_SESSION_REVOKED, body: caepBody(reason, at), subject: { format: 'complex', members: { user: userId, session: sessionId } } }],
      };
    }
    default:
      return undefined;
  }
}

/** The event types an outbox event can become (for a stream's filter before anything is built). */
export function possibleTypes(type: HookEvent['type']): readonly string[] {
  switch (type) {
    case 'user.deactivated':
      return [CAEP_SESSION_REVOKED, RISC_ACCOUNT_DISABLED];
    case 'user.deleted':
      return [CAEP_SESSION_REVOKED, RISC_ACCOUNT_PURGED];
    case 'user.reactivated':
      return [RISC_ACCOUNT_ENABLED];
    case 'session.revoked':
      return [CAEP_SESSION_REVOKED];
    default:
      return [];
  }
}

/** A user is named by email when the directory has one (what receivers most often key on), else by our SCIM id. */
function userSubject(user: HookUser): SimpleSubject {
  return user.email ? { format: 'email', email: user.email } : { format: 'opaque', id: user.id };
}

function userPrincipal(user: HookUser): PrincipalIds {
  const ids: SimpleSubject[] = [{ format: 'opaque', id: user.id }];
  if (user.email) ids.push({ format: 'email', email: user.email });
  return { user: ids };
}

function caepBody(reason: SessionRevokeReason, at: number | undefined, text = REASON_ADMIN[reason]): Record<string, unknown> {
  return { initiating_entity: INITIATING_ENTITY[reason], reason_admin: { en: text }, ...(at === undefined ? {} : { event_timestamp: at }) };
}

function eventTimestamp(iso: string): number | undefined {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}
