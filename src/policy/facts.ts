/**
 * Directory and session records → the facts a policy reads, built once per resolved identity
 * (the decision cache keeps them until the directory changes), so evaluation never parses,
 * lower-cases or scans a document. Pure: the caller did the reads.
 */
import type { GroupFact, GroupKeys, Names, SessionFacts, UserFacts } from './types.js';

export interface UserRecordLike {
  id: string;
  userName: string;
  externalId: string | null;
  active: boolean;
  doc: Readonly<Record<string, unknown>>;
}

/** Every name a user's groups answer to, built once per identity instead of per decision. */
export function groupKeys(groups: readonly GroupFact[]): GroupKeys {
  const exact = new Set<string>();
  const lowerCase = new Set<string>();
  for (const group of groups) {
    exact.add(group.id);
    if (group.externalId !== null) exact.add(group.externalId);
    lowerCase.add(group.displayName.toLowerCase());
  }
  return { exact, lowerCase };
}

interface EmailEntry {
  value: string;
  primary: boolean;
}

function emailsOf(doc: Readonly<Record<string, unknown>>): EmailEntry[] {
  const emails = doc.emails;
  if (!Array.isArray(emails)) return [];
  const out: EmailEntry[] = [];
  for (const entry of emails) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { value, primary } = entry as { value?: unknown; primary?: unknown };
    if (typeof value === 'string' && value !== '') out.push({ value, primary: primary === true });
  }
  return out;
}

/** SCIM `emails`: the primary one, else the first (as written, not lower-cased). */
export function primaryEmailOf(doc: Readonly<Record<string, unknown>>): string | undefined {
  const emails = emailsOf(doc);
  return (emails.find((e) => e.primary) ?? emails[0])?.value;
}

export function prepareUserFacts(user: UserRecordLike, groups: readonly GroupFact[], keys: GroupKeys = groupKeys(groups)): UserFacts {
  const emails = emailsOf(user.doc).map((e) => e.value.toLowerCase());
  const primaryEmail = primaryEmailOf(user.doc)?.toLowerCase();
  const at = primaryEmail?.lastIndexOf('@') ?? -1;
  const domain = primaryEmail !== undefined && at !== -1 && at < primaryEmail.length - 1 ? primaryEmail.slice(at + 1) : undefined;
  const userNames: Names = {
    exact: user.externalId !== null ? [user.id, user.externalId] : [user.id],
    folded: [user.userName.toLowerCase()],
  };
  const groupNames: Names = {
    exact: groups.flatMap((g) => (g.externalId !== null ? [g.id, g.externalId] : [g.id])),
    folded: groups.map((g) => g.displayName.toLowerCase()),
  };
  return {
    id: user.id,
    userName: user.userName,
    externalId: user.externalId,
    active: user.active,
    doc: user.doc,
    emails,
    primaryEmail,
    domain,
    groups,
    groupKeys: keys,
    names: {
      user: userNames,
      emails: emails.length > 0 ? { exact: [], folded: emails } : undefined,
      domain: domain !== undefined ? { exact: [], folded: [domain] } : undefined,
      groups: groupNames,
    },
    memo: new Map(),
  };
}

/** A session as a policy sees it; `claims` are the ones the session kept at sign-in. */
export function sessionFacts(createdAt: number, claims: Readonly<Record<string, unknown>> = {}): SessionFacts {
  return { createdAt, claims };
}
