/** Attributes every resource carries (RFC 7643 §3.1), reported outside any schema's list. */
import { complex, dateTime, ref, str, type AttributeDef } from './attribute.js';

export const idAttribute: AttributeDef = str('id', {
  caseExact: true,
  mutability: 'readOnly',
  returned: 'always',
  uniqueness: 'server',
  description: 'Unique identifier of the resource, issued by the service provider.',
});

export const externalIdAttribute: AttributeDef = str('externalId', {
  caseExact: true,
  description: 'Identifier of the resource as defined by the provisioning client.',
});

export const metaAttribute: AttributeDef = complex(
  'meta',
  [
    str('resourceType', { caseExact: true, mutability: 'readOnly' }),
    dateTime('created', { mutability: 'readOnly' }),
    dateTime('lastModified', { mutability: 'readOnly' }),
    ref('location', ['uri'], { caseExact: true, mutability: 'readOnly' }),
    str('version', { caseExact: true, mutability: 'readOnly' }),
  ],
  { mutability: 'readOnly', description: 'Resource metadata.' },
);

export const commonAttributes: readonly AttributeDef[] = [idAttribute, externalIdAttribute, metaAttribute];
