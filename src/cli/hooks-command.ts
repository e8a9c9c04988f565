/**
 * `scimgate hooks list|deliveries|retry|replay`: what an operator needs when a receiver was down
 * or lost data — who is subscribed and how far each one is, which deliveries failed, a dead
 * delivery sent again, and a subscriber's events re-sent from a point in time. The reads and the
 * two writes are the hooks module's (src/hooks/sqlite/delivery-admin.ts); this file parses and
 * prints. Returns an exit code (0 ok, 1 failed, 2 usage) instead of exiting, so it is testable.
 */
import type { DeliveryStatus, HookAdmin, SubscriberStatus } from '../hooks/sqlite/delivery-admin.js';
import type { CommandOutput } from './token-command.js';

export const HOOKS_USAGE = [
  'Usage:',
  '  scimgate hooks list [--format table|json]',
  '                         subscribers (configured webhooks, SSF streams) and how far each one is',
  '  scimgate hooks deliveries [--failed] [--subscriber ID] [--limit N] [--format table|json]',
  '                         deliveries, newest first (--failed: dead-lettered ones only)',
  '  scimgate hooks retry DELIVERY_ID',
  '                         send a dead-lettered delivery again (its max age counts from now)',
  '  scimgate hooks replay --since TIME [--subscriber ID]',
  '                         re-send every event since TIME (ISO 8601, e.g. 2026-01-31T12:00:00Z,',
  '                         or a duration ago: 2h, 30m, 7d) to one subscriber, or to every one',
].join('\n');

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 100_000;

/** A subscriber the configuration names (webhooks), for `list` to show beside the database's view. */
export interface ConfiguredSubscriber {
  id: string;
  target: string;
  events: readonly string[] | undefined;
}

export interface HooksCommandDeps {
  admin: Pick<HookAdmin, 'subscribers' | 'deliveries' | 'retry' | 'replay' | 'delivery'>;
  configured: readonly ConfiguredSubscriber[];
  now?: () => Date;
}

/** `args` are the words after `hooks`; `flags` the command line's. */
export function runHooksCommand(args: readonly string[], flags: ReadonlyMap<string, string>, deps: HooksCommandDeps, out: CommandOutput): number {
  const [sub, ...rest] = args;
  if (sub === 'help' || flags.has('help')) {
    out.log(HOOKS_USAGE);
    return 0;
  }
  const format = flags.get('format') ?? 'table';
  if (format !== 'table' && format !== 'json') return usage(out, `--format must be table or json, not "${format}"`);
  switch (sub) {
    case 'list':
      return rest.length > 0 ? usage(out, 'hooks list takes no arguments') : list(deps, format, out);
    case 'deliveries':
      return rest.length > 0 ? usage(out, 'hooks deliveries takes no arguments') : deliveries(flags, format, deps, out);
    case 'retry':
      return rest.length === 1 && rest[0] ? retry(rest[0], deps, out) : usage(out, 'hooks retry takes exactly one DELIVERY_ID');
    case 'replay':
      return rest.length > 0 ? usage(out, 'hooks replay takes no arguments (use --since TIME)') : replay(flags, deps, out);
    default:
      return usage(out, sub === undefined ? 'missing subcommand' : `unknown subcommand "${sub}"`);
  }
}

function usage(out: CommandOutput, problem: string): number {
  out.error(`error: ${problem}`);
  out.error(HOOKS_USAGE);
  return 2;
}

interface SubscriberRow {
  id: string;
  configured: boolean;
  target: string | null;
  events: readonly string[] | null;
  /** Null until a worker has seen it (it then starts at the outbox's head). */
  status: SubscriberStatus | null;
}

function list(deps: HooksCommandDeps, format: string, out: CommandOutput): number {
  const seen = new Map(deps.admin.subscribers().map((s) => [s.id, s]));
  const rows: SubscriberRow[] = deps.configured.map((c) => ({ id: c.id, configured: true, target: c.target, events: c.events ?? null, status: seen.get(c.id) ?? null }));
  // SSF streams (and webhooks since removed from the config) are known from the database only.
  for (const [id, status] of seen) if (!deps.configured.some((c) => c.id === id)) rows.push({ id, configured: !id.startsWith('webhook:'), target: null, events: null, status });
  if (format === 'json') {
    out.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    out.log('No subscribers. Configure webhooks under hooks.webhooks (docs/hooks.md), or create an SSF stream.');
    return 0;
  }
  const cells = rows.map((r) => [
    r.id,
    r.target ?? (r.configured ? '(database)' : '(no longer configured)'),
    r.events ? r.events.join(',') : r.configured && r.target ? 'all' : '-',
    r.status ? String(r.status.cursor) : 'not started',
    r.status ? String(r.status.lag) : '-',
    r.status?.state ?? '-',
    r.status ? String(r.status.pending) : '-',
    r.status ? String(r.status.dead) : '-',
  ]);
  for (const line of table(['SUBSCRIBER', 'TARGET', 'EVENTS', 'CURSOR', 'BEHIND', 'STATE', 'PENDING', 'DEAD'], cells)) out.log(line);
  return 0;
}

function deliveries(flags: ReadonlyMap<string, string>, format: string, deps: HooksCommandDeps, out: CommandOutput): number {
  const limitFlag = flags.get('limit');
  const limit = limitFlag === undefined ? DEFAULT_LIMIT : Number(limitFlag);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return usage(out, `--limit must be a whole number from 1 to ${MAX_LIMIT}`);
  const subscriber = flags.get('subscriber');
  if (subscriber === 'true' || subscriber === '') return usage(out, '--subscriber needs a subscriber id (see `scimgate hooks list`)');
  const failed = flags.get('failed') === 'true';
  const found = deps.admin.deliveries({ failed, limit: limit + 1, ...(subscriber ? { subscriberId: subscriber } : {}) });
  const shown = found.slice(0, limit);
  if (format === 'json') {
    out.log(JSON.stringify(shown, null, 2));
    return 0;
  }
  if (shown.length === 0) {
    out.log(failed ? 'No failed deliveries.' : 'No deliveries.');
    return 0;
  }
  const rows = shown.map((d: DeliveryStatus) => [d.id, d.subscriberId, `${d.eventType} #${d.eventSeq}`, d.state, String(d.attempts), d.updatedAt.toISOString(), d.lastError ?? '-']);
  for (const line of table(['DELIVERY', 'SUBSCRIBER', 'EVENT', 'STATE', 'ATTEMPTS', 'UPDATED', 'LAST ERROR'], rows)) out.log(line);
  if (found.length > limit) out.log(`(the newest ${limit} shown; narrow with --subscriber or raise --limit)`);
  return 0;
}

function retry(id: string, deps: HooksCommandDeps, out: CommandOutput): number {
  if (deps.admin.retry(id)) {
    out.log(`Delivery "${id}" will be sent again by the worker of a running server on this database; its max age counts from now.`);
    return 0;
  }
  const found = deps.admin.delivery(id);
  out.error(
    found
      ? `error: delivery "${id}" is ${found.state}, not dead-lettered; only dead letters are retried by hand (the worker retries the others itself)`
      : `error: no delivery "${id}" (see \`scimgate hooks deliveries --failed\`)`,
  );
  return 1;
}

function replay(flags: ReadonlyMap<string, string>, deps: HooksCommandDeps, out: CommandOutput): number {
  const sinceFlag = flags.get('since');
  if (sinceFlag === undefined || sinceFlag === 'true') return usage(out, 'hooks replay needs --since TIME');
  const since = parseSince(sinceFlag, (deps.now ?? (() => new Date()))());
  if (!since) return usage(out, `--since must be an ISO 8601 time (2026-01-31T12:00:00Z) or a duration ago (30m, 2h, 7d), not "${sinceFlag}"`);
  const subscriber = flags.get('subscriber');
  if (subscriber === 'true' || subscriber === '') return usage(out, '--subscriber needs a subscriber id (see `scimgate hooks list`)');
  const known = deps.admin.subscribers().map((sub) => sub.id);
  const targets = subscriber ? [subscriber] : known;
  if (subscriber && !known.includes(subscriber)) {
    out.error(`error: no subscriber "${subscriber}" has had deliveries on this database (see \`scimgate hooks list\`)`);
    return 1;
  }
  if (targets.length === 0) {
    out.error('error: no subscriber has had deliveries on this database yet; nothing to replay');
    return 1;
  }
  for (const id of targets) {
    const cursor = deps.admin.replay(id, since);
    out.log(`${id}: events after #${cursor ?? '?'} (from ${since.toISOString()} on) will be sent again, in order, with their original ids.`);
  }
  return 0;
}

const DURATION = /^(\d+)(s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** An ISO 8601 time with a zone, or a duration ago; undefined when neither (or in the future). */
export function parseSince(text: string, now: Date): Date | undefined {
  const duration = DURATION.exec(text);
  if (duration) return new Date(now.getTime() - Number(duration[1]) * (UNIT_MS[duration[2] as string] as number));
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(text)) return undefined;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) || at > now ? undefined : at;
}

function table(headings: string[], rows: string[][]): string[] {
  const all = [headings, ...rows];
  const widths = headings.map((_, col) => Math.max(...all.map((row) => (row[col] ?? '').length)));
  return all.map((row) => row.map((cell, col) => cell.padEnd(widths[col] ?? 0)).join('  ').trimEnd());
}
