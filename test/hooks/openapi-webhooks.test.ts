/**
 * openapi.yaml's `webhooks:` (OpenAPI 3.1) stays true: it names exactly the hook event types,
 * and real webhook bodies — one of every type, made by the real app and wrapped as the webhook
 * sender wraps them — validate against the documented request body of their type.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { webhookPayload } from '../../src/hooks/index.js';
import { HOOK_EVENT_TYPES } from '../../src/shared/hook-event-types.js';
import { loadOpenApi } from '../support/openapi-routes.js';
import { createHookedApp, GROUP, PATCH, SESSION, USER } from './support.js';

const DOC_ID = 'https://scimgate.test/openapi.json';

interface WebhookDoc {
  post: { requestBody: { content: { 'application/json': { schema: { $ref: string } } } }; parameters: unknown[] };
}

describe('openapi.yaml webhooks', () => {
  const doc = loadOpenApi() as unknown as { webhooks?: Record<string, WebhookDoc> };

  it('documents exactly the hook event types, each with the three Standard Webhooks headers', () => {
    expect(Object.keys(doc.webhooks ?? {}).sort()).toEqual([...HOOK_EVENT_TYPES].sort());
    for (const hook of Object.values(doc.webhooks ?? {})) expect(hook.post.parameters).toHaveLength(3);
  });

  it('real bodies of every type validate against their documented schema', async () => {
    const t = createHookedApp();
    const created = await t.scim('POST', '/Users', { schemas: [USER], userName: 'alice@example.com', externalId: 'oid', emails: [{ value: 'alice@example.com' }] });
    const { id } = (await created.json()) as { id: string };
    const group = (await (await t.scim('POST', '/Groups', { schemas: [GROUP], displayName: 'G', members: [{ value: id }] })).json()) as { id: string };
    const s = t.sessions.create({ ...SESSION, userId: id });
    t.sessions.revoke(s.secret, 'sign-out');
    await t.scim('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] });
    await t.scim('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: true }] });
    await t.scim('DELETE', `/Groups/${group.id}`);
    await t.scim('DELETE', `/Users/${id}`);
    t.tokens.create('entra');
    t.tokens.revoke('entra');
    const events = t.events();
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(HOOK_EVENT_TYPES));

    const ajv = new Ajv2020({ strict: false, validateFormats: false, validateSchema: false, allErrors: true });
    ajv.addSchema({ ...doc, $id: DOC_ID });
    for (const event of events) {
      const ref = doc.webhooks?.[event.type]?.post.requestBody.content['application/json'].schema.$ref ?? '';
      const validate = ajv.getSchema(`${DOC_ID}${ref}`);
      expect(validate, ref).toBeDefined();
      const body = JSON.parse(JSON.stringify(webhookPayload(event))) as unknown;
      const valid = validate?.(body);
      expect(valid ? [] : validate?.errors, `${event.type}: ${JSON.stringify(body)}`).toEqual([]);
    }
  });
});
