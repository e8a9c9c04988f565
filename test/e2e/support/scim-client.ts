// Just enough of a SCIM client for the e2e flow, speaking the way Entra provisioning does
// (bearer token, application/scim+json, capitalised PATCH ops, "False" as a string).

export interface ScimClient {
  createUser(body: Record<string, unknown>): Promise<string>;
  createGroup(displayName: string, members: { value: string; type?: 'User' | 'Group' }[]): Promise<string>;
  patch(path: string, operations: Record<string, unknown>[]): Promise<void>;
}

export function scimClient(baseUrl: string, token: string): ScimClient {
  async function send(method: string, path: string, body: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`SCIM ${method} ${path} → ${res.status}: ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  }
  return {
    createUser: async (body) =>
      String((await send('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], ...body })).id),
    createGroup: async (displayName, members) =>
      String(
        (await send('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName, members })).id,
      ),
    patch: async (path, operations) => {
      await send('PATCH', path, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations });
    },
  };
}
