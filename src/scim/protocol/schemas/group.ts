/** The core Group schema (RFC 7643 §4.2). */
import { multi, ref, str, type AttributeDef } from './attribute.js';

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

export const groupAttributes: readonly AttributeDef[] = [
  str('displayName', {
    required: true,
    uniqueness: 'server',
    description: 'Human-readable name of the group; compared case-insensitively and unique here, as Entra expects.',
  }),
  multi(
    'members',
    [
      str('value', { caseExact: true, mutability: 'immutable', description: 'id of a User or Group.' }),
      ref('$ref', ['User', 'Group'], { mutability: 'immutable' }),
      str('type', { mutability: 'immutable', canonicalValues: ['User', 'Group'] }),
      str('display', { mutability: 'readOnly' }),
    ],
    { description: 'Direct members of the group: users or groups.' },
  ),
];
