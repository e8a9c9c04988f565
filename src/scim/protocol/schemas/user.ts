/** The core User schema (RFC 7643 §4.1) and the enterprise extension (§4.3). */
import { binary, bool, complex, multi, ref, str, typedValues, type AttributeDef } from './attribute.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const emailTypes = ['work', 'home', 'other'] as const;

export const userAttributes: readonly AttributeDef[] = [
  str('userName', {
    required: true,
    uniqueness: 'server',
    description: 'Unique identifier for the user, typically used to sign in; compared case-insensitively.',
  }),
  complex(
    'name',
    [
      str('formatted'),
      str('familyName'),
      str('givenName'),
      str('middleName'),
      str('honorificPrefix'),
      str('honorificSuffix'),
    ],
    { description: "The components of the user's name." },
  ),
  str('displayName', { description: 'Name of the user, suitable for display.' }),
  str('nickName', { description: 'Casual way to address the user.' }),
  ref('profileUrl', ['external'], { description: "URL of the user's online profile." }),
  str('title', { description: "The user's title, such as 'Vice President'." }),
  str('userType', { description: 'Relationship between the organization and the user.' }),
  str('preferredLanguage', { description: 'Preferred written or spoken language (RFC 7231 language tag).' }),
  str('locale', { description: 'Default location for localization, e.g. en-US.' }),
  str('timezone', { description: 'Time zone in IANA Time Zone database format.' }),
  bool('active', { description: "The user's administrative status." }),
  str('password', {
    mutability: 'writeOnly',
    returned: 'never',
    description: 'Accepted on write, never stored in clear and never returned.',
  }),
  typedValues('emails', 'Email addresses for the user.', emailTypes),
  typedValues('phoneNumbers', 'Phone numbers for the user.', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
  typedValues('ims', 'Instant messaging addresses.', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
  typedValues('photos', 'URLs of photos of the user.', ['photo', 'thumbnail'], ref('value', ['external'])),
  multi(
    'addresses',
    [
      str('formatted'),
      str('streetAddress'),
      str('locality'),
      str('region'),
      str('postalCode'),
      str('country'),
      str('type', { canonicalValues: ['work', 'home', 'other'] }),
      bool('primary'),
    ],
    { description: 'Physical mailing addresses.' },
  ),
  multi(
    'groups',
    [
      // Group ids are case-exact (RFC 7643 §3.1), which also lets the filter use the membership index.
      str('value', { mutability: 'readOnly', caseExact: true }),
      ref('$ref', ['User', 'Group'], { mutability: 'readOnly' }),
      str('display', { mutability: 'readOnly' }),
      str('type', { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] }),
    ],
    { mutability: 'readOnly', description: 'Groups the user belongs to, directly or through nested groups.' },
  ),
  typedValues('entitlements', 'Entitlements of the user.', []),
  typedValues('roles', 'Roles of the user.', []),
  typedValues('x509Certificates', 'Certificates issued to the user.', [], binary('value')),
];

export const enterpriseUserAttributes: readonly AttributeDef[] = [
  str('employeeNumber', { description: 'Numeric or alphanumeric identifier assigned to the person.' }),
  str('costCenter', { description: 'Name of a cost center.' }),
  str('organization', { description: 'Name of an organization.' }),
  str('division', { description: 'Name of a division.' }),
  str('department', { description: 'Name of a department.' }),
  complex(
    'manager',
    [
      str('value', { caseExact: true, description: 'The id of the manager (a User resource).' }),
      ref('$ref', ['User']),
      str('displayName', { mutability: 'readOnly' }),
    ],
    { description: "The user's manager." },
  ),
];
