// Which discovered issuers scimgate accepts for a configured one: the root of trust for sign-in.
import { describe, expect, it } from 'vitest';
import { classifyIssuer } from '../../../src/access/oidc/discovery.js';

describe('OIDC discovery issuer (OpenID Connect Discovery §4.3, Entra multi-tenant template)', () => {
  const cases: Array<[string, string, boolean | 'refused']> = [
    ['https://login.microsoftonline.com/t1/v2.0', 'https://login.microsoftonline.com/t1/v2.0', false],
    ['https://login.microsoftonline.com/t1/v2.0/', 'https://login.microsoftonline.com/t1/v2.0', false],
    ['https://login.microsoftonline.com/common/v2.0', 'https://login.microsoftonline.com/{tenantid}/v2.0', true],
    // Sovereign clouds: nothing is special about the public cloud's host.
    ['https://login.microsoftonline.us/organizations/v2.0', 'https://login.microsoftonline.us/{tenantid}/v2.0', true],
    ['https://login.chinacloudapi.cn/t1/v2.0', 'https://login.chinacloudapi.cn/t1/v2.0', false],
    ['https://idp.example.com', 'https://idp.example.com', false],
    // A document that names another issuer, or a template on another host, is not trusted.
    ['https://idp.example.com', 'https://evil.example.com', 'refused'],
    ['https://login.microsoftonline.com/t1/v2.0', 'https://login.microsoftonline.com/t2/v2.0', 'refused'],
    ['https://login.microsoftonline.com/common/v2.0', 'https://evil.example.com/{tenantid}/v2.0', 'refused'],
  ];
  for (const [configured, discovered, expected] of cases) {
    it(`${configured} ← ${discovered}`, () => {
      const run = () => classifyIssuer(new URL(configured), discovered);
      if (expected === 'refused') expect(run).toThrow(expect.objectContaining({ code: 'discovery_issuer_mismatch' }));
      else expect(run()).toBe(expected);
    });
  }
});
