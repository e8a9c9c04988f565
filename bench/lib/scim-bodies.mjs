/** Request bodies the bench sends, shaped like Entra's provisioning traffic. */

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const DEPARTMENTS = ['Eng', 'Sales', 'Finance', 'Support', 'Legal', 'Ops'];

/** A realistic Entra-style user; `key` makes userName and externalId unique. */
export function userBody(key, index = 0) {
  const userName = `${key}@example.com`;
  return {
    schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
    userName,
    externalId: `ext-${key}`,
    active: true,
    displayName: `User ${key}`,
    name: { givenName: 'User', familyName: String(key) },
    emails: [{ type: 'work', primary: true, value: userName }],
    [ENTERPRISE_SCHEMA]: { department: DEPARTMENTS[index % DEPARTMENTS.length] },
  };
}

/** The seeded tenant's userNames are predictable, so scenarios can filter by them without a lookup. */
export const seededUserKey = (index) => `user${index}`;

export function replaceDisplayName(value) {
  return { schemas: [PATCH_SCHEMA], Operations: [{ op: 'Replace', path: 'displayName', value }] };
}
