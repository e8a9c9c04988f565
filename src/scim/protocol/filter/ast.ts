/**
 * The filter AST (RFC 7644 §3.4.2.2). Attribute paths are kept as written; resolving them
 * against a schema (and rejecting unknown ones) is the job of whoever evaluates the filter.
 */
import type { AttrPath } from '../schemas/index.js';

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

export type CompValue = string | number | boolean | null;

export type Filter =
  | { kind: 'and'; left: Filter; right: Filter }
  | { kind: 'or'; left: Filter; right: Filter }
  | { kind: 'not'; filter: Filter }
  | { kind: 'present'; path: AttrPath }
  | { kind: 'compare'; op: CompareOp; path: AttrPath; value: CompValue }
  /**
   * `emails[type eq "work"]`: some element of a multi-valued attribute matches the inner
   * filter, whose paths are relative to the element (sub-attribute names in `attr`).
   */
  | { kind: 'valuePath'; path: AttrPath; filter: Filter };
