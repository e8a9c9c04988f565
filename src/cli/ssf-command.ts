/**
 * `scimgate ssf token create|list|revoke NAME` (an SSF receiver's bearer token, shown once; the
 * token's name is the receiver's name and its streams' audience) and `scimgate ssf keys rotate`
 * (a new SET signing key now; the old one stays published for `ssf.keyOverlap`). Returns an exit
 * code: 0 ok, 1 failed, 2 usage.
 */
import type { SsfTransmitter } from '../ssf/index.js';
import type { TokenService } from '../tokens/index.js';
import { runTokenCommand, tokenUsage, type CommandOutput, type TokenWording } from './token-command.js';

export const SSF_TOKEN_WORDING: TokenWording = {
  command: 'ssf token',
  noun: 'SSF receiver token',
  hint: 'Give it to the receiver for "Authorization: Bearer": it is stored only as a hash and cannot be shown again. The token\'s name is the receiver\'s streams\' audience (aud).',
};

export const SSF_USAGE = [tokenUsage(SSF_TOKEN_WORDING), '  scimgate ssf keys rotate        sign SETs with a new key from now on (the old one stays published for ssf.keyOverlap)'].join('\n');

export interface SsfCommandDeps {
  tokens(): TokenService;
  keys(): Pick<SsfTransmitter['keys'], 'rotate'>;
}

/** `args` are the words after `ssf`. */
export async function runSsfCommand(args: string[], deps: SsfCommandDeps, out: CommandOutput): Promise<number> {
  const [area, ...rest] = args;
  if (area === 'token') return runTokenCommand(rest, deps.tokens(), out, SSF_TOKEN_WORDING);
  if (area === 'keys' && rest.length === 1 && rest[0] === 'rotate') {
    const kid = await deps.keys().rotate();
    out.log(`SETs are signed with key ${kid} from now on; the previous key stays in the JWKS for ssf.keyOverlap.`);
    return 0;
  }
  out.error(area === undefined ? 'error: missing subcommand' : `error: unknown subcommand "${args.join(' ')}"`);
  out.error(SSF_USAGE);
  return 2;
}
