/**
 * The indexed columns a user row carries beside its JSON document. They are copies of
 * document values, derived in one place so the two can never disagree.
 */
import type { JsonObject } from '../../scim/protocol/json.js';

export interface UserColumns {
  userName: string;
  externalId: string | null;
  displayName: string | null;
  active: boolean;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export function userColumns(doc: JsonObject): UserColumns {
  return {
    userName: text(doc.userName) ?? '',
    externalId: text(doc.externalId),
    displayName: text(doc.displayName),
    // RFC 7643 leaves a missing `active` to the provider; a provisioned user without it is active.
    active: doc.active !== false,
  };
}
