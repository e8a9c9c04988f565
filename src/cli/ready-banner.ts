/**
 * What `scimgate serve` prints once it listens: the Tenant URL for Entra and where the Secret
 * Token comes from — the configured bootstrap token when there is one (SCIMGATE_SCIM_TOKEN,
 * scim.token or scim.tokenFile), else how to create one — and the redirect URI to register.
 */
export interface ReadyFacts {
  url: string;
  databasePath: string;
  /** A bootstrap SCIM token is configured (it was stored at start). */
  tokenConfigured: boolean;
  /** Set when sign-in is configured. */
  redirectUri?: string | undefined;
}

export function readyBanner(facts: ReadyFacts): string {
  const create = `npm run scimgate -- token create <name> --database ${facts.databasePath}`;
  const token = facts.tokenConfigured
    ? `  Secret token: the bootstrap token you configured (SCIMGATE_SCIM_TOKEN, scim.token or scim.tokenFile); more with \`${create}\`\n`
    : `  Secret token: run \`${create.replace('<name>', 'entra')}\` (or start with SCIMGATE_SCIM_TOKEN set)\n`;
  return (
    `\nscimgate is ready.\n  SCIM base URL (Tenant URL in Entra): ${facts.url}/scim/v2\n` +
    token +
    (facts.redirectUri ? `  Sign-in: ${facts.redirectUri} is the redirect URI to register at the provider\n` : '')
  );
}
