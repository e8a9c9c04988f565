/**
 * The hook event types (issue 14), as a list: the configuration validates webhook filters
 * against it, and the outbox's HookEventType (src/persistence/outbox.ts) is exactly these.
 */
export const HOOK_EVENT_TYPES = [
  'user.deactivated',
  'user.reactivated',
  'user.deleted',
  'user.groups_changed',
  'session.created',
  'session.revoked',
  'scim_token.created',
  'scim_token.revoked',
] as const;

export type HookEventTypeName = (typeof HOOK_EVENT_TYPES)[number];
