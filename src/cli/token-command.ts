/**
 * `scimgate token create|list|revoke`: manage SCIM bearer tokens. Returns an exit code
 * (0 ok, 1 operation failed, 2 usage error) instead of exiting, so it is testable.
 */
import { TokenError } from '../tokens/token-errors.js';
import type { TokenRecord, TokenService } from '../tokens/token-service.js';

export interface CommandOutput {
  log(line: string): void;
  error(line: string): void;
}

/** What the command calls its tokens, for SCIM tokens and for SSF receiver tokens alike. */
export interface TokenWording {
  /** The words before the subcommand: `token`, `ssf token`. */
  command: string;
  /** `SCIM token`, `SSF receiver token`. */
  noun: string;
  /** What to do with a new token, after it is shown. */
  hint: string;
}

export const SCIM_TOKEN_WORDING: TokenWording = {
  command: 'token',
  noun: 'SCIM token',
  hint: 'Copy it now (e.g. into Entra\'s "Secret Token" field): it is stored only as a hash and cannot be shown again.',
};

export function tokenUsage(wording: TokenWording): string {
  return [
    'Usage:',
    `  scimgate ${wording.command} create NAME   issue a ${wording.noun} (shown once)`,
    `  scimgate ${wording.command} list          list tokens (never their values)`,
    `  scimgate ${wording.command} revoke NAME   revoke a token by name or id; effective on the next request`,
  ].join('\n');
}

export const TOKEN_USAGE = tokenUsage(SCIM_TOKEN_WORDING);

/** `args` are the words after `token`, e.g. `['create', 'entra-prod']`. */
export function runTokenCommand(args: string[], tokens: TokenService, out: CommandOutput, wording: TokenWording = SCIM_TOKEN_WORDING): number {
  const usageText = tokenUsage(wording);
  const [sub, ...rest] = args;
  if (sub === 'help' || sub === '--help' || sub === '-h') {
    out.log(usageText);
    return 0;
  }
  try {
    switch (sub) {
      case 'create':
        return rest.length === 1 && rest[0] ? create(rest[0], tokens, out, wording) : usage(out, `${wording.command} create takes exactly one NAME`, usageText);
      case 'list':
        return rest.length === 0 ? list(tokens, out, wording) : usage(out, `${wording.command} list takes no arguments`, usageText);
      case 'revoke':
        return rest.length === 1 && rest[0] ? revoke(rest[0], tokens, out) : usage(out, `${wording.command} revoke takes exactly one NAME`, usageText);
      default:
        return usage(out, sub === undefined ? 'missing subcommand' : `unknown subcommand "${sub}"`, usageText);
    }
  } catch (error) {
    if (error instanceof TokenError) {
      out.error(`error: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function usage(out: CommandOutput, problem: string, usageText: string): number {
  out.error(`error: ${problem}`);
  out.error(usageText);
  return 2;
}

function create(name: string, tokens: TokenService, out: CommandOutput, wording: TokenWording): number {
  const { token } = tokens.create(name);
  out.log(`Created ${wording.noun} "${name}":`);
  out.log('');
  out.log(`  ${token}`);
  out.log('');
  out.log(wording.hint);
  return 0;
}

function revoke(nameOrId: string, tokens: TokenService, out: CommandOutput): number {
  if (!tokens.revoke(nameOrId)) {
    out.error(`error: no active token named "${nameOrId}"`);
    return 1;
  }
  out.log(`Revoked token "${nameOrId}"; requests using it are rejected from now on.`);
  return 0;
}

function list(tokens: TokenService, out: CommandOutput, wording: TokenWording): number {
  const records = tokens.list();
  if (records.length === 0) {
    out.log(`No tokens. Create one with \`scimgate ${wording.command} create NAME\`.`);
    return 0;
  }
  for (const line of formatTable(records)) out.log(line);
  return 0;
}

const HEADINGS = ['NAME', 'CREATED', 'LAST USED', 'REVOKED'] as const;

function formatTable(records: TokenRecord[]): string[] {
  const rows = records.map((r) => [r.name, r.createdAt, r.lastUsedAt ?? 'never', r.revokedAt ?? '-']);
  const all = [[...HEADINGS], ...rows];
  const widths = HEADINGS.map((_, col) => Math.max(...all.map((row) => (row[col] ?? '').length)));
  return all.map((row) =>
    row
      .map((cell, col) => cell.padEnd(widths[col] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}
