/**
 * `scimgate audit`: read, verify and prune the audit log (docs/audit.md).
 *
 *   audit [--since TIME] [--user U] [--type T] [--format table|jsonl]
 *   audit verify [--expect SEQ:HASH[,…]]   exit 0 when the chain is intact (and holds the anchors); 1 naming the first bad row
 *   audit prune [--before TIME [--force]]   delete rows past audit.retention (or before TIME), cut recorded
 *
 * Returns an exit code (0 ok, 1 failed or tampered, 2 usage) instead of exiting, so it is testable.
 */
import { createChainVerifier, MANUAL_PRUNE, type AuditReader, type ChainAnchor, type SqliteAuditLog } from '../audit/index.js';
import type { AuditRow } from '../persistence/audit.js';
import { parseDuration } from '../shared/duration.js';
import { parseInstant } from '../shared/instant.js';
import { printable } from './printable.js';
import type { CommandOutput } from './token-command.js';

export const AUDIT_USAGE = [
  'Usage:',
  '  scimgate audit [--since TIME] [--user U] [--type T] [--format table|jsonl]',
  '                         rows in order; TIME is ISO 8601 (UTC unless it names a zone) or a',
  '                         duration back from now with its unit (24h, 7d);',
  '                         U a userName or user id; T a type (signin.failed) or prefix (signin.*)',
  '  scimgate audit verify [--expect SEQ:HASH[,SEQ:HASH…]]',
  '                         check the hash chain: exit 0 when intact, 1 naming the first bad row;',
  '                         --expect: a head logged earlier (auditHead) must still be there, unchanged',
  '  scimgate audit prune [--before TIME [--force]]',
  '                         delete rows older than audit.retention (or TIME), recording the cut',
  '                         with actor operator; a TIME inside audit.retention needs --force',
].join('\n');

export interface AuditCommandDeps {
  reader: AuditReader;
  log: Pick<SqliteAuditLog, 'prune'>;
  /** A userName (or any attribute an operator types) → the user's id, when the directory knows it. */
  userIdOf(ref: string): string | undefined;
  /** audit.retention; undefined: forever. */
  retentionSeconds: number | undefined;
  now: () => Date;
}

type Format = 'table' | 'jsonl';

/** `args` are the words after `audit`; `flags` the parsed --options. */
export function runAuditCommand(args: string[], flags: ReadonlyMap<string, string>, deps: AuditCommandDeps, out: CommandOutput): number {
  const [sub, ...rest] = args;
  if (sub === 'help' || flags.has('help')) {
    out.log(AUDIT_USAGE);
    return 0;
  }
  if (rest.length > 0) return usage(out, `unexpected argument "${rest[0]}"`);
  switch (sub) {
    case undefined:
    case 'list':
      return list(flags, deps, out);
    case 'verify':
      return verify(flags, deps, out);
    case 'prune':
      return prune(flags, deps, out);
    default:
      return usage(out, `unknown subcommand "${sub}"`);
  }
}

function usage(out: CommandOutput, problem: string): number {
  out.error(`error: ${problem}`);
  out.error(AUDIT_USAGE);
  return 2;
}

/**
 * ISO 8601 (a date or a date-time; without a zone read as UTC: src/shared/instant.ts), or a
 * duration back from now **with its unit** (`24h`, `7d`, `1h30m`). A bare number is refused: is
 * `2026` a year or 2026 seconds ago?
 */
export function parseTime(value: string, now: Date): Date | undefined {
  const text = value.trim();
  if (/^(\d+[dhms])+$/.test(text)) {
    const seconds = parseDuration(text);
    return seconds === undefined ? undefined : new Date(now.getTime() - seconds * 1000);
  }
  return parseInstant(text);
}

function list(flags: ReadonlyMap<string, string>, deps: AuditCommandDeps, out: CommandOutput): number {
  const format = (flags.get('format') ?? 'table') as Format;
  if (format !== 'table' && format !== 'jsonl') return usage(out, `--format must be table or jsonl, got "${format}"`);
  const sinceText = flags.get('since');
  const since = sinceText === undefined ? undefined : parseTime(sinceText, deps.now());
  if (sinceText !== undefined && since === undefined) return usage(out, `--since must be an ISO 8601 time (UTC unless it names a zone) or a duration with its unit such as 24h, got "${sinceText}"`);
  const user = flags.get('user');
  const type = flags.get('type');
  if (type === 'true' || user === 'true') return usage(out, `--${type === 'true' ? 'type' : 'user'} needs a value`);
  const rows = deps.reader.query({ since: since?.toISOString(), userId: user === undefined ? undefined : (deps.userIdOf(user) ?? user), type });
  if (format === 'jsonl') {
    for (const row of rows) out.log(JSON.stringify(jsonOf(row)));
    return 0;
  }
  out.log(['seq', 'time', 'type', 'actor', 'user', 'request', 'data'].join('\t'));
  // Every text column escaped: a tab or newline in an actor or a user id could fake columns or rows.
  for (const row of rows) out.log([String(row.seq), row.occurredAt, row.type, row.actor ?? '-', row.userId ?? '-', row.requestId ?? '-', row.data ?? '-'].map(printable).join('\t'));
  return 0;
}

/** A row for export: what `verify` needs to recheck it later (the hashes) included. */
function jsonOf(row: AuditRow): Record<string, unknown> {
  let data: unknown = row.data;
  try {
    data = row.data === null ? null : JSON.parse(row.data);
  } catch {
    // Stored text that is not JSON is shown as it is (verify names such a row).
  }
  return { seq: row.seq, occurredAt: row.occurredAt, type: row.type, actor: row.actor, userId: row.userId, requestId: row.requestId, data, prevHash: row.prevHash, hash: row.hash };
}

/** `SEQ:HASH` pairs, comma-separated: heads kept outside the database. */
export function parseAnchors(text: string): ChainAnchor[] | undefined {
  const anchors: ChainAnchor[] = [];
  for (const part of text.split(',')) {
    const match = /^(\d{1,15}):([0-9a-f]{64})$/.exec(part.trim().toLowerCase());
    if (!match) return undefined;
    anchors.push({ seq: Number(match[1]), hash: match[2]! });
  }
  return anchors;
}

function verify(flags: ReadonlyMap<string, string>, deps: AuditCommandDeps, out: CommandOutput): number {
  const expectText = flags.get('expect');
  const expected = expectText === undefined ? [] : parseAnchors(expectText);
  if (expected === undefined) return usage(out, `--expect must be SEQ:HASH (a seq and a 64-digit hex hash, as verify prints and the server logs as auditHead), got "${expectText}"`);
  const verifier = createChainVerifier(expected);
  for (const row of deps.reader.rows()) if (!verifier.add(row)) break;
  const report = verifier.finish();
  if (report.problem) {
    out.error(`audit log TAMPERED: row ${report.problem.seq}: ${report.problem.detail} [${report.problem.kind}]`);
    return 1;
  }
  if (!report.head || !report.first) {
    // An audit log is empty only in a database nothing has used yet: every SCIM write and sign-in
    // leaves a row, and retention always leaves its audit.pruned row. Empty beside used tables is
    // a log deleted whole — or a database upgraded from before the audit log that nothing has
    // written to since, which the message names so an operator can tell.
    const used = deps.reader.evidenceOfUse();
    if (used !== undefined) {
      out.error(`audit log EMPTIED: no rows, but this database has been used (${used}): the log was deleted, unless the database predates the audit log and nothing was recorded since the upgrade [emptied]`);
      return 1;
    }
    out.log('audit log intact: no rows (a database nothing has written to yet)');
    return 0;
  }
  out.log(`audit log intact: ${report.rows} rows, seq ${report.first.seq}–${report.head.seq}${report.first.seq > 1 ? ` (rows before ${report.first.seq} pruned by retention)` : ''}${expected.length > 0 ? `; expected row(s) ${expected.map((a) => a.seq).join(', ')} held` : ''}`);
  // A chain cannot show rows cut from its end: keep the head elsewhere and pass it as --expect next time.
  out.log(`head: seq ${report.head.seq} hash ${report.head.hash}  (next time: --expect ${report.head.seq}:${report.head.hash})`);
  return 0;
}

function prune(flags: ReadonlyMap<string, string>, deps: AuditCommandDeps, out: CommandOutput): number {
  const beforeText = flags.get('before');
  let before: Date;
  const retained = deps.retentionSeconds === undefined ? undefined : new Date(deps.now().getTime() - deps.retentionSeconds * 1000);
  if (beforeText !== undefined) {
    const parsed = parseTime(beforeText, deps.now());
    if (parsed === undefined) return usage(out, `--before must be an ISO 8601 time (UTC unless it names a zone) or a duration with its unit such as 400d, got "${beforeText}"`);
    before = parsed;
    // Rows younger than the retention are ones the operator promised to keep: cutting them takes
    // a deliberate --force, so a slip (`--before 1d` for `400d`) cannot wipe the recent log.
    if (retained !== undefined && before > retained && !flags.has('force')) {
      out.error(`error: --before ${before.toISOString()} is inside audit.retention (rows since ${retained.toISOString()} are kept); add --force to prune them anyway`);
      return 2;
    }
  } else if (retained !== undefined) {
    before = retained;
  } else {
    out.error('error: audit.retention is "forever"; pass --before TIME to prune anyway');
    return 2;
  }
  const deleted = deps.log.prune(before, MANUAL_PRUNE);
  out.log(deleted === 0 ? `nothing older than ${before.toISOString()} to prune` : `pruned ${deleted} rows older than ${before.toISOString()} (the cut is recorded in the log)`);
  return 0;
}
