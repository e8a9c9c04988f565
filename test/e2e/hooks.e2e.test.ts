// Issue 14's end-to-end acceptance with real parts: a user signed in through nginx and Chromium
// at the test OP is deprovisioned the way Entra does it (SCIM `PATCH active "False"`), and a
// receiver on loopback — verifying with the `standardwebhooks` package, not our code — gets the
// webhooks for that user, cause first: user.deactivated, then session.revoked (deprovisioned)
// naming the session the browser had, while the browser's next request is refused. An SSF
// receiver that subscribed through nginx gets, for the same change, the CAEP session-revoked and
// then the RISC account-disabled SET, each verified with jose against the JWKS nginx serves.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestAccount } from '../support/oidc-provider.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';
import type { WebhookReceiver } from '../support/webhook-receiver.js';
import { CAEP_SESSION_REVOKED, RISC_ACCOUNT_DISABLED } from '../../src/ssf/events.js';
import { startPushReceiver, verifySet } from '../ssf/ssf-harness.js';
import { startGate } from './support/gate.js';
import type { Gate } from './support/gate.js';

const TENANT = '7e57e2e0-0000-4000-8000-00000000e2e4';
const GALE: TestAccount = {
  login: 'gale',
  oid: '7e57e2e0-0000-4000-8000-00000006a1e0',
  email: 'gale@e2e.example',
  name: 'Gale Hooks',
  preferredUsername: 'gale@e2e.example',
};
const SCIM_TOKEN = 'e2e-scim-token-hooks-0123456789abcdef0123456789';
const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

/** A webhook body: Standard Webhooks' `{ type, timestamp, data }` (docs/hooks.md). */
interface WebhookBody {
  type: string;
  timestamp: string;
  data: { id: string; seq: number; user?: { id: string; userName: string }; session?: { id: string; reason?: string } };
}
type HookBody = WebhookBody['data'] & { type: string };
const eventOf = (body: unknown): HookBody => ({ ...(body as WebhookBody).data, type: (body as WebhookBody).type });

describe('Issue 14 end to end: a deprovisioning reaches the receivers', () => {
  let gate: Gate;
  let receiver: WebhookReceiver;
  let userId: string;

  beforeAll(async () => {
    receiver = await startWebhookReceiver({ secrets: [SECRET] });
    gate = await startGate({
      name: 'hooks',
      tenant: TENANT,
      accounts: [GALE],
      scimToken: SCIM_TOKEN,
      config: () => ({
        hooks: {
          pollInterval: '200ms',
          webhooks: [{ name: 'e2e-receiver', url: receiver.url, secrets: [{ value: SECRET }], events: ['user.deactivated', 'session.revoked'] }],
        },
        // Push to a plain-http loopback receiver is allowed for the test only.
        ssf: { enabled: true, allowInsecurePush: true },
      }),
    });
    userId = await gate.scim.createUser({
      userName: GALE.preferredUsername,
      externalId: GALE.oid,
      active: true,
      displayName: GALE.name,
      emails: [{ value: GALE.email, type: 'work', primary: true }],
    });
  });

  afterAll(async () => {
    await gate?.stop();
    await receiver?.close();
  });

  it('signs in through nginx at the provider', async () => {
    await gate.signIn(GALE);
    expect(gate.browser.page.url(), gate.logs()).toBe(`${gate.nginx.origin}/`);
  });

  it('PATCH active "False": the webhooks and the SETs for that user arrive, cause first, and the next request is refused', async () => {
    // The operator issues a receiver token; the receiver subscribes through nginx (RFC 8935 push).
    const created = await gate.scimgate.cli(['ssf', 'token', 'create', 'e2e-ssf-receiver']);
    const ssfToken = /scimgate_ssf_\S+/.exec(created)?.[0];
    expect(ssfToken, created).toBeDefined();
    const ssfReceiver = await startPushReceiver();
    const stream = await fetch(`${gate.nginx.origin}/ssf/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ssfToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: ssfReceiver.url },
        events_requested: [CAEP_SESSION_REVOKED, RISC_ACCOUNT_DISABLED],
      }),
    });
    expect(stream.status, gate.logs()).toBe(201);
    const { aud } = (await stream.json()) as { aud: string };

    await gate.scim.patch(`/Users/${userId}`, [{ op: 'Replace', path: 'active', value: 'False' }]);
    const bodies = () => receiver.deliveries.map((d) => eventOf(d.body)).filter((b) => b.user?.id === userId);
    await receiver.untilDeliveries(() => bodies().some((b) => b.type === 'session.revoked'));
    const events = bodies();
    expect(events.map((e) => [e.type, e.session?.reason]), gate.logs()).toEqual([
      ['user.deactivated', undefined],
      ['session.revoked', 'deprovisioned'],
    ]);
    expect(events[0]?.seq).toBeLessThan(events[1]?.seq ?? 0);
    expect(events.map((e) => e.user?.userName)).toEqual([GALE.preferredUsername, GALE.preferredUsername]);
    // The header id is the event's own, and nothing failed verification on the way.
    expect(receiver.deliveries.filter((d) => eventOf(d.body).user?.id === userId).map((d) => d.id)).toEqual(events.map((e) => e.id));
    expect(receiver.attempts.filter((a) => a.outcome === 'rejected-signature')).toEqual([]);

    // The SETs: verified as a receiver would, against the discovery document and JWKS behind nginx.
    await expect.poll(() => ssfReceiver.received.length, { timeout: 30_000, interval: 100 }).toBe(2);
    const sets = [];
    for (const push of ssfReceiver.received) {
      expect(push.contentType).toBe('application/secevent+jwt');
      sets.push(await verifySet(gate.nginx.origin, aud, push.token));
    }
    expect(sets.map((set) => set.eventType)).toEqual([CAEP_SESSION_REVOKED, RISC_ACCOUNT_DISABLED]);
    // Both name the user and belong to the same change as the webhook's user.deactivated.
    for (const set of sets) {
      expect(set.payload['sub_id']).toEqual({ format: 'email', email: GALE.email });
      expect(set.payload['txn']).toBe(events[0]?.id);
    }

    const res = await fetch(`${gate.nginx.origin}/`, {
      redirect: 'manual',
      headers: { cookie: (await gate.browser.context.cookies(gate.nginx.origin)).map((c) => `${c.name}=${c.value}`).join('; ') },
    });
    await res.body?.cancel();
    expect(res.status).toBe(302);
  });
});
