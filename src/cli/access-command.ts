/**
 * `scimgate access review --url URL [--method M] [--format table|csv|json]`: every directory user
 * who can reach a URL, with why (a nested group as its chain), conditional ones marked; and
 * `scimgate access user <userName|id>`: every configured route and whether the user reaches it.
 * Read-only over the database (src/access/access-review.ts). Returns an exit code: 0 done,
 * 1 the question could not be answered (unknown user, bad URL), 2 usage error.
 */
import type { RouteReach, UrlReview } from '../access/index.js';
import { reviewUrl, reviewUserRoutes, type ReviewDeps } from '../access/index.js';
import type { CommandOutput } from './token-command.js';

export const ACCESS_USAGE = [
  'Usage:',
  '  scimgate access review --url URL [--method M] [--format table|csv|json]',
  '        every directory user who can reach URL, with the reason; "conditional" when it',
  '        depends on facts of the session or request (claims, session age, source IP, time, method)',
  '  scimgate access user USER [--format table|csv|json]',
  '        every configured route USER (userName or id) can reach',
].join('\n');

type Format = 'table' | 'csv' | 'json';

export function runAccessCommand(
  args: readonly string[],
  flags: ReadonlyMap<string, string>,
  deps: ReviewDeps & Parameters<typeof reviewUserRoutes>[1],
  out: CommandOutput,
): number {
  const [sub, ...rest] = args;
  const format = (flags.get('format') ?? 'table') as Format;
  if (!['table', 'csv', 'json'].includes(format)) return usage(out, `--format must be table, csv or json, got "${format}"`);
  switch (sub) {
    case 'review': {
      const url = flags.get('url');
      if (!url || url === 'true' || rest.length > 0) return usage(out, 'access review takes --url URL');
      const review = reviewUrl({ url, method: flags.get('method') }, deps);
      if (!review.ok) return failed(out, review.error.message);
      printReview(review.value, format, out);
      return 0;
    }
    case 'user': {
      const [ref] = rest;
      if (!ref || rest.length > 1) return usage(out, 'access user takes exactly one USER (userName or id)');
      const routes = reviewUserRoutes(ref, deps);
      if (!routes.ok) return failed(out, routes.error.message);
      printRoutes(routes.value, format, out);
      return 0;
    }
    case 'help':
      out.log(ACCESS_USAGE);
      return 0;
    default:
      return usage(out, sub === undefined ? 'missing subcommand' : `unknown subcommand "${sub}"`);
  }
}

function printReview(review: UrlReview, format: Format, out: CommandOutput): void {
  if (format === 'json') return out.log(JSON.stringify(review, null, 2));
  if (format === 'csv') {
    out.log('userName,id,access,dependsOn,reason');
    for (const e of review.entries) out.log([e.userName, e.id, e.reach, e.dependsOn.join(' '), e.reasons.join('; ')].map(csv).join(','));
    return;
  }
  const conditional = review.entries.filter((e) => e.reach === 'conditional').length;
  const routes = review.routes.map((r) => `${r.host ?? '*'}${r.pathPrefix}`).join(' + ') || '(no route: any signed-in user)';
  out.log(`${review.method ?? 'any method'} ${review.url}  — route ${routes}`);
  table(
    ['USER', 'ACCESS', 'REASON'],
    review.entries.map((e) => [e.userName, reach(e), e.reasons.join('; ')]),
    out,
  );
  out.log(`${review.entries.length} of ${review.scanned} directory users can reach it (${conditional} conditional)`);
}

function printRoutes(result: { user: { userName: string; active: boolean }; routes: RouteReach[] }, format: Format, out: CommandOutput): void {
  if (format === 'json') return out.log(JSON.stringify(result, null, 2));
  if (format === 'csv') {
    out.log('host,pathPrefix,methods,access,dependsOn,reason');
    for (const r of result.routes) out.log([r.host ?? '*', r.pathPrefix, (r.methods ?? []).join(' '), r.reach, r.dependsOn.join(' '), r.reasons.join('; ')].map(csv).join(','));
    return;
  }
  out.log(`${result.user.userName}${result.user.active ? '' : ' (inactive: reaches nothing)'}`);
  table(
    ['ROUTE', 'METHODS', 'ACCESS', 'REASON'],
    result.routes.map((r) => [`${r.host ?? '*'}${r.pathPrefix}`, (r.methods ?? ['any']).join(','), reach(r), r.reasons.join('; ')]),
    out,
  );
  const reachable = result.routes.filter((r) => r.reach !== 'denied').length;
  out.log(`${reachable} of ${result.routes.length} routes reachable`);
}

/** `conditional (claim/amr, source_ip)`: what the access hangs on, beside the word. */
function reach(entry: { reach: string; dependsOn: readonly string[] }): string {
  return entry.reach === 'conditional' && entry.dependsOn.length > 0 ? `conditional (${entry.dependsOn.join(', ')})` : entry.reach;
}

function table(head: string[], rows: string[][], out: CommandOutput): void {
  const widths = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  out.log(line(head));
  for (const row of rows) out.log(line(row));
}

/** RFC 4180: quote when needed, double the quotes. A leading =+-@ is prefixed so spreadsheets do not run it. */
function csv(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function usage(out: CommandOutput, message: string): number {
  out.error(`error: ${message}\n\n${ACCESS_USAGE}`);
  return 2;
}

function failed(out: CommandOutput, message: string): number {
  out.error(`error: ${message}`);
  return 1;
}
