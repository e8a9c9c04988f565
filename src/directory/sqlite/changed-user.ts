/**
 * A user as change listeners see it (ChangedUser): the columns a downstream system identifies a
 * person by, and the primary e-mail — picked the same way in TypeScript (one document at hand)
 * and in SQL (a set of users, group-effects.ts), as user-lookup.ts picks it for sign-in headers.
 */
import type { ChangedUser, UserRecord } from '../../persistence/directory.js';
import type { JsonObject } from '../../scim/protocol/json.js';

/** The primary e-mail, else the first; undefined when the document has none. */
export function primaryEmail(doc: JsonObject): string | undefined {
  const emails = doc.emails;
  if (!Array.isArray(emails)) return undefined;
  const values = emails.filter((e): e is JsonObject => typeof e === 'object' && e !== null && !Array.isArray(e));
  const chosen = values.find((e) => e.primary === true) ?? values[0];
  return typeof chosen?.value === 'string' ? chosen.value : undefined;
}

export function changedUser(id: string, userName: string, externalId: string | null, doc: JsonObject): ChangedUser {
  return { id, userName, externalId, email: primaryEmail(doc) };
}

export const changedUserOf = (record: UserRecord): ChangedUser => changedUser(record.id, record.userName, record.externalId, record.doc);

/** The same choice as primaryEmail, for a users row aliased `u`. */
export const PRIMARY_EMAIL_SQL = `(SELECT json_extract(e.value, '$.value') FROM json_each(u.doc, '$.emails') e
    ORDER BY coalesce(json_extract(e.value, '$.primary'), 0) DESC, e.key LIMIT 1)`;
