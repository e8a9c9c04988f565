/**
 * The shapes an attribute takes in SQL, for the filter and sortBy compilers: one value (an
 * operand), the sub-attributes of a complex value, or a collection of elements. Where each
 * attribute lives is attribute-columns.ts's job; these types are apart so that the collections
 * built elsewhere (user-groups-sql.ts) need not import it back.
 */
import type { SQL } from 'drizzle-orm';
import type { DirectoryResult } from '../../persistence/directory.js';
import type { AttributeDef } from '../../scim/protocol/schemas/index.js';

/** A scalar SQL expression holding one attribute's value, typed by its definition. */
export interface Operand {
  attribute: AttributeDef;
  expr: SQL;
}

/** Resolves a sub-attribute of one complex value: a singular complex attribute, or one element of a multi-valued one. */
export type SubScope = (sub: AttributeDef) => DirectoryResult<Operand>;

/** A multi-valued attribute: a set of rows (json_each, memberships) we ask EXISTS questions of. */
export interface Collection {
  /** Names the set of rows: tests on collections with equal keys may share one subquery (filter-sql/pieces.ts). */
  key: string;
  attribute: AttributeDef;
  element: SubScope;
  /** True when some element satisfies `condition` (written with operands from `element`). */
  exists(condition: SQL): SQL;
  /** True when the attribute has at least one element. */
  nonEmpty: SQL;
  /** `expr` (from `element`) of the primary element, else the first: what sortBy orders by (RFC 7644 §3.4.2.3). */
  primaryValue?: (expr: SQL) => SQL;
}

export type Target =
  | { kind: 'scalar'; operand: Operand }
  /** `exists`: the complex value is there at all (what `name[...]` needs before looking inside). */
  | { kind: 'complex'; attribute: AttributeDef; sub: SubScope; exists: SQL }
  | { kind: 'collection'; collection: Collection };
