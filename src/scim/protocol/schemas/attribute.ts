/**
 * Attribute definitions as RFC 7643 §7 describes them, with a small builder so the schema
 * files read like the RFC's tables. Everything that needs to know an attribute's type,
 * case rule, mutability or shape (filters, PATCH, projection, discovery) reads these.
 */

export type AttributeType =
  | 'string'
  | 'boolean'
  | 'decimal'
  | 'integer'
  | 'dateTime'
  | 'reference'
  | 'complex'
  | 'binary';

export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDef {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  canonicalValues?: readonly string[];
  referenceTypes?: readonly string[];
  subAttributes?: readonly AttributeDef[];
}

type Options = Partial<Omit<AttributeDef, 'name' | 'type' | 'subAttributes'>>;

function def(name: string, type: AttributeType, options: Options = {}, subAttributes?: readonly AttributeDef[]): AttributeDef {
  const attribute: AttributeDef = {
    name,
    type,
    multiValued: false,
    description: '',
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
  if (subAttributes) attribute.subAttributes = subAttributes;
  return attribute;
}

export const str = (name: string, options?: Options): AttributeDef => def(name, 'string', options);
export const bool = (name: string, options?: Options): AttributeDef => def(name, 'boolean', options);
export const dateTime = (name: string, options?: Options): AttributeDef => def(name, 'dateTime', options);
export const binary = (name: string, options?: Options): AttributeDef => def(name, 'binary', options);
export const ref = (name: string, referenceTypes: readonly string[], options?: Options): AttributeDef =>
  def(name, 'reference', { referenceTypes, ...options });
export const complex = (name: string, subAttributes: readonly AttributeDef[], options?: Options): AttributeDef =>
  def(name, 'complex', options, subAttributes);
export const multi = (name: string, subAttributes: readonly AttributeDef[], options?: Options): AttributeDef =>
  def(name, 'complex', { multiValued: true, ...options }, subAttributes);

/** The value/display/type/primary shape RFC 7643 §2.4 gives most multi-valued attributes. */
export function typedValues(name: string, description: string, canonicalTypes: readonly string[], value: AttributeDef = str('value')): AttributeDef {
  return multi(
    name,
    [value, str('display'), str('type', { canonicalValues: canonicalTypes }), bool('primary')],
    { description },
  );
}

/** Case-insensitive lookup of a sub-attribute (RFC 7643 §2.1: attribute names are case-insensitive). */
export function findAttribute(attributes: readonly AttributeDef[], name: string): AttributeDef | undefined {
  const wanted = name.toLowerCase();
  return attributes.find((attribute) => attribute.name.toLowerCase() === wanted);
}
