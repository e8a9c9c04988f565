/**
 * `scimgate sessions list|revoke`: an operator's view of sign-in sessions and the admin revoke.
 * A revoke goes through the session store like a sign-out or a deprovisioning (one unit of work,
 * logged in the change log, so every server on the database refuses the sessions at its next
 * request, and what commits with any revocation — the hooks' session.revoked — commits with it).
 * Returns an exit code (0 ok, 1 failed, 2 usage) instead of exiting, so it is testable.
 */
import { SESSION_REVOKE_REASON, type SessionStore, type StoredSession } from '../access/sessions/index.js';
import { printable } from './printable.js';
import type { CommandOutput } from './token-command.js';

export const SESSIONS_USAGE = [
  'Usage:',
  '  scimgate sessions list [--user USER] [--all] [--limit N] [--format table|json]',
  '                         live sessions, newest first (--all: revoked and expired ones still stored too)',
  '  scimgate sessions revoke --user USER',
  '                         end every live session of USER (id or userName) on every server; reason "admin"',
].join('\n');

export interface SessionsCommandDeps {
  sessions: Pick<SessionStore, 'list' | 'revokeAllForUser'>;
  /** A directory user by id or userName. */
  findUser(ref: string): { id: string; userName: string } | undefined;
  /** userName for a listing's rows (undefined: the user is gone). */
  userName(id: string): string | undefined;
  now?: () => Date;
}

const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 100_000;

/** `args` are the words after `sessions`, e.g. `['revoke']`; `flags` the command line's. */
export function runSessionsCommand(args: readonly string[], flags: ReadonlyMap<string, string>, deps: SessionsCommandDeps, out: CommandOutput): number {
  const [sub, ...rest] = args;
  if (sub === 'help' || flags.has('help')) {
    out.log(SESSIONS_USAGE);
    return 0;
  }
  if (rest.length > 0) return usage(out, `unexpected argument "${rest[0]}" (name the user with --user)`);
  const userRef = flags.get('user');
  if (userRef === 'true' || userRef === '') return usage(out, '--user needs a user id or userName');
  switch (sub) {
    case 'list':
      return list(flags, userRef, deps, out);
    case 'revoke':
      return userRef === undefined ? usage(out, 'sessions revoke needs --user USER') : revoke(userRef, deps, out);
    default:
      return usage(out, sub === undefined ? 'missing subcommand' : `unknown subcommand "${sub}"`);
  }
}

function usage(out: CommandOutput, problem: string): number {
  out.error(`error: ${problem}`);
  out.error(SESSIONS_USAGE);
  return 2;
}

function noUser(out: CommandOutput, ref: string): number {
  out.error(`error: no directory user with id or userName ${JSON.stringify(ref)}`);
  return 1;
}

function revoke(ref: string, deps: SessionsCommandDeps, out: CommandOutput): number {
  const user = deps.findUser(ref);
  if (!user) return noUser(out, ref);
  const ended = deps.sessions.revokeAllForUser(user.id, SESSION_REVOKE_REASON.admin);
  if (ended === 0) out.log(`${user.userName} has no live session; nothing to revoke.`);
  else out.log(`Revoked ${ended} session${ended === 1 ? '' : 's'} of ${user.userName} (reason "admin"); every server refuses them from its next request.`);
  return 0;
}

function list(flags: ReadonlyMap<string, string>, ref: string | undefined, deps: SessionsCommandDeps, out: CommandOutput): number {
  const format = flags.get('format') ?? 'table';
  if (format !== 'table' && format !== 'json') return usage(out, `--format must be table or json, not "${format}"`);
  const limitFlag = flags.get('limit');
  const limit = limitFlag === undefined ? DEFAULT_LIMIT : Number(limitFlag);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return usage(out, `--limit must be a whole number from 1 to ${MAX_LIMIT}`);
  let userId: string | undefined;
  if (ref !== undefined) {
    const user = deps.findUser(ref);
    if (!user) return noUser(out, ref);
    userId = user.id;
  }
  const ended = flags.get('all') === 'true';
  const found = deps.sessions.list({ ...(userId ? { userId } : {}), ended, limit: limit + 1 });
  const shown = found.slice(0, limit);
  const now = (deps.now ?? (() => new Date()))();
  const names = new Map<string, string>();
  const nameOf = (id: string) => {
    if (!names.has(id)) names.set(id, deps.userName(id) ?? `(deleted ${id})`);
    return names.get(id) as string;
  };
  const rows = shown.map((s) => ({
    id: s.id,
    userId: s.userId,
    userName: nameOf(s.userId),
    issuer: s.issuer,
    subject: s.subject,
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    expiresAt: new Date(Math.min(s.expiresAt.getTime(), s.idleExpiresAt.getTime())).toISOString(),
    state: state(s, now),
  }));
  if (format === 'json') {
    out.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    out.log(ended ? 'No sessions stored.' : 'No live sessions.');
    return 0;
  }
  // userName is the SCIM client's: escaped, so a tab or newline in it cannot fake a row.
  for (const line of table(rows.map((r) => [r.id, r.userName, r.createdAt, r.lastSeenAt, r.expiresAt, r.state].map(printable)))) out.log(line);
  if (found.length > limit) out.log(`(the newest ${limit} shown; narrow with --user or raise --limit)`);
  return 0;
}

/** live, revoked (reason), or expired. */
function state(s: StoredSession, now: Date): string {
  if (s.revokedAt) return `revoked (${s.revokeReason ?? 'unknown'})`;
  return now >= s.expiresAt || now >= s.idleExpiresAt ? 'expired' : 'live';
}

const HEADINGS = ['ID', 'USER', 'CREATED', 'LAST SEEN', 'EXPIRES', 'STATE'];

function table(rows: string[][]): string[] {
  const all = [HEADINGS, ...rows];
  const widths = HEADINGS.map((_, col) => Math.max(...all.map((row) => (row[col] ?? '').length)));
  return all.map((row) => row.map((cell, col) => cell.padEnd(widths[col] ?? 0)).join('  ').trimEnd());
}
