/**
 * Finds the one directory user a signed-in identity links to, by an immutable attribute. Only
 * attributes fit for that are accepted: ids the provisioning IdP controls (`externalId`, `id`,
 * `userName`, enterprise `employeeNumber`). E-mail is refused outright — in Entra it is mutable
 * and unverified, and linking by it is the "nOAuth" account takeover.
 *
 * `externalId`, `id` and `userName` use indexed columns; `employeeNumber` is read with
 * json_extract from the stored document, a full scan of users — fine at sign-in for small
 * directories, slower at 100k users (an expression index would fix that if it is ever needed).
 */
import type { LinkAttribute, LinkedUser, UserLookupResult, UserLookup } from '../../persistence/directory.js';
import type Database from 'better-sqlite3';
import { fail, ok, type Result } from '../../shared/result.js';
import type { ENTERPRISE_USER_SCHEMA as EnterpriseUrn } from '../../scim/protocol/schemas/index.js';
import type { Store } from '../../store/index.js';

/** RFC 7643 §4.3's URN, spelled here so the directory takes only types from scim/protocol; typed as SCIM's constant, so the compiler holds the two equal. */
const ENTERPRISE_USER_SCHEMA: typeof EnterpriseUrn = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const ENTERPRISE_PREFIX = `${ENTERPRISE_USER_SCHEMA}:`;

/** Config-time check of `oidc.link.attribute`; the error message is meant for the operator. */
export function parseLinkAttribute(raw: string): Result<LinkAttribute, string> {
  const name = raw.startsWith(ENTERPRISE_PREFIX) ? raw.slice(ENTERPRISE_PREFIX.length) : raw;
  const lower = name.toLowerCase();
  if (lower.startsWith('email') || lower.includes('mail')) {
    return fail(
      `"${raw}" cannot link identities: e-mail addresses are mutable and unverified at the IdP, so linking by them lets anyone who sets a victim's address take over the account ("nOAuth"). Use externalId (Entra object id) instead.`,
    );
  }
  if (raw !== name && lower === 'employeenumber') return ok('employeeNumber');
  const known: readonly LinkAttribute[] = ['externalId', 'id', 'userName', 'employeeNumber'];
  const match = known.find((attribute) => attribute.toLowerCase() === lower);
  if (match && raw === name) return ok(match);
  return fail(`"${raw}" cannot link identities; use one of: ${known.join(', ')}`);
}

interface Row {
  id: string;
  userName: string;
  displayName: string | null;
  active: number;
  email: string | null;
}

// The primary e-mail, else the first: one correlated json_each over the document's emails.
const SELECT = `SELECT u.id, u.user_name AS userName, u.display_name AS displayName, u.active,
  (SELECT json_extract(e.value, '$.value') FROM json_each(u.doc, '$.emails') e
    ORDER BY coalesce(json_extract(e.value, '$.primary'), 0) DESC, e.key LIMIT 1) AS email
  FROM users u`;

export function createUserLookup(store: Store | { sqlite: Database.Database }): UserLookup {
  const { sqlite } = store;
  // LIMIT 2: a second hit means the attribute is not unique here, and we must not guess.
  const statements: Record<LinkAttribute, Database.Statement<[string], Row>> = {
    externalId: sqlite.prepare(`${SELECT} WHERE u.external_id = ? LIMIT 2`),
    id: sqlite.prepare(`${SELECT} WHERE u.id = ? LIMIT 2`),
    userName: sqlite.prepare(`${SELECT} WHERE lower(u.user_name) = lower(?) LIMIT 2`),
    employeeNumber: sqlite.prepare(
      `${SELECT} WHERE json_extract(u.doc, '$."${ENTERPRISE_USER_SCHEMA}"."employeeNumber"') = ? LIMIT 2`,
    ),
  };
  return {
    findUserByAttribute(attribute, value) {
      const rows = statements[attribute].all(value);
      const row = rows[0];
      if (!row) return { found: 'none' };
      if (rows.length > 1) return { found: 'many' };
      return {
        found: 'one',
        user: { id: row.id, userName: row.userName, displayName: row.displayName, active: row.active === 1, email: row.email ?? undefined },
      };
    },
  };
}

/** One-off form of the lookup (prepares its statements each call; hold a createUserLookup for repeated use). */
export function findUserByAttribute(store: Store, attribute: LinkAttribute, value: string): UserLookupResult {
  return createUserLookup(store).findUserByAttribute(attribute, value);
}
