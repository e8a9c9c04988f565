/**
 * Subject identifiers (RFC 9493) as SSF 1.0 uses them: the formats scimgate sends — `email`,
 * `iss_sub`, `opaque`, and `complex` (SSF 1.0 §3.3) with `user` and `session` members — parsed from
 * a receiver's add/remove-subject request, put in one canonical form for storage, and matched
 * against the identifiers of an event's principal by the rules of SSF 1.0 §8.1.3.1. Pure.
 */
import { ok, fail, type Result } from '../shared/result.js';

export type SimpleSubject =
  | { format: 'email'; email: string }
  | { format: 'iss_sub'; iss: string; sub: string }
  | { format: 'opaque'; id: string };

/** A complex subject: named members, each a simple subject (user, session, tenant, device, …). */
export interface ComplexSubject {
  format: 'complex';
  members: Readonly<Record<string, SimpleSubject>>;
}

export type Subject = SimpleSubject | ComplexSubject;

/** Every identifier the event's principal is known by, per complex-subject member name. */
export interface PrincipalIds {
  user: readonly SimpleSubject[];
  session?: readonly SimpleSubject[];
}

const MAX_MEMBER_LENGTH = 1024;

export const SUPPORTED_FORMATS = ['email', 'iss_sub', 'opaque', 'complex'] as const;

/** Parses a subject from a request; the error says what is wrong, for a 400. */
export function parseSubject(value: unknown): Result<Subject, string> {
  if (!isObject(value)) return fail('subject must be a JSON object with a "format"');
  if (value['format'] === 'complex') {
    const members: Record<string, SimpleSubject> = {};
    for (const [name, member] of Object.entries(value)) {
      if (name === 'format') continue;
      const simple = parseSimple(member, `subject.${name}`);
      if (!simple.ok) return simple;
      members[name] = simple.value;
    }
    if (Object.keys(members).length === 0) return fail('a complex subject needs at least one member (user, session, …)');
    return ok({ format: 'complex', members });
  }
  return parseSimple(value, 'subject');
}

function parseSimple(value: unknown, where: string): Result<SimpleSubject, string> {
  if (!isObject(value)) return fail(`${where} must be a JSON object with a "format"`);
  const format = value['format'];
  const text = (name: string): Result<string, string> => {
    const member = value[name];
    if (typeof member !== 'string' || member.length === 0 || member.length > MAX_MEMBER_LENGTH) {
      return fail(`${where}.${name} must be a non-empty string of at most ${MAX_MEMBER_LENGTH} characters`);
    }
    return ok(member);
  };
  switch (format) {
    case 'email': {
      const email = text('email');
      if (!email.ok) return email;
      if (!/^[^\s@]+@[^\s@]+$/.test(email.value)) return fail(`${where}.email is not an email address`);
      return ok({ format, email: email.value });
    }
    case 'iss_sub': {
      const iss = text('iss');
      if (!iss.ok) return iss;
      const sub = text('sub');
      if (!sub.ok) return sub;
      return ok({ format, iss: iss.value, sub: sub.value });
    }
    case 'opaque': {
      const id = text('id');
      if (!id.ok) return id;
      return ok({ format, id: id.value });
    }
    default:
      return fail(
        `${where}.format ${JSON.stringify(format)} is not one scimgate sends; use ${SUPPORTED_FORMATS.map((f) => `"${f}"`).join(', ')}` +
          (where === 'subject' ? '' : ' (members of a complex subject are simple subjects)'),
      );
  }
}

/**
 * One string per subject, so equal subjects are equal rows: members in a fixed order, email
 * addresses in lower case (RFC 9493 leaves their comparison to the parties; mailboxes are
 * case-insensitive in practice).
 */
export function canonicalSubject(subject: Subject): string {
  if (subject.format !== 'complex') return JSON.stringify(simpleParts(subject));
  const names = Object.keys(subject.members).sort();
  return JSON.stringify(['complex', ...names.map((name) => [name, simpleParts(subject.members[name] as SimpleSubject)])]);
}

function simpleParts(subject: SimpleSubject): string[] {
  switch (subject.format) {
    case 'email':
      return ['email', subject.email.toLowerCase()];
    case 'iss_sub':
      return ['iss_sub', subject.iss, subject.sub];
    case 'opaque':
      return ['opaque', subject.id];
  }
}

/** The wire form (RFC 9493 / SSF 1.0 §3.3): a complex subject's members sit beside its format. */
export function subjectJson(subject: Subject): Record<string, unknown> {
  if (subject.format !== 'complex') return { ...subject };
  return { format: 'complex', ...Object.fromEntries(Object.entries(subject.members).map(([name, member]) => [name, { ...member }])) };
}

/**
 * SSF 1.0 §8.1.3.1: a simple subject matches when it is one of the principal's identifiers; a
 * complex one when every member it names is either unknown for this principal or one of its
 * identifiers for that member.
 */
export function subjectMatches(subject: Subject, principal: PrincipalIds): boolean {
  const known = (ids: readonly SimpleSubject[] | undefined, candidate: SimpleSubject) =>
    ids !== undefined && ids.some((id) => sameSimple(id, candidate));
  if (subject.format !== 'complex') return known(principal.user, subject) || known(principal.session, subject);
  return Object.entries(subject.members).every(([name, member]) => {
    const ids = name === 'user' ? principal.user : name === 'session' ? principal.session : undefined;
    return ids === undefined || known(ids, member);
  });
}

function sameSimple(a: SimpleSubject, b: SimpleSubject): boolean {
  const left = simpleParts(a);
  const right = simpleParts(b);
  return left.length === right.length && left.every((part, i) => part === right[i]);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a stored canonical subject back (undefined for a row this version cannot read). */
export function parseCanonicalSubject(text: string): Subject | undefined {
  try {
    const parts = JSON.parse(text) as unknown;
    if (!Array.isArray(parts)) return undefined;
    if (parts[0] !== 'complex') return simpleFromParts(parts);
    const members: Record<string, SimpleSubject> = {};
    for (const entry of parts.slice(1) as unknown[]) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string') return undefined;
      const member = simpleFromParts(entry[1]);
      if (!member) return undefined;
      members[entry[0]] = member;
    }
    return { format: 'complex', members };
  } catch {
    return undefined;
  }
}

function simpleFromParts(parts: unknown): SimpleSubject | undefined {
  if (!Array.isArray(parts) || !parts.every((part) => typeof part === 'string')) return undefined;
  const [format, a, b] = parts as string[];
  if (format === 'email' && a !== undefined) return { format, email: a };
  if (format === 'iss_sub' && a !== undefined && b !== undefined) return { format, iss: a, sub: b };
  if (format === 'opaque' && a !== undefined) return { format, id: a };
  return undefined;
}
