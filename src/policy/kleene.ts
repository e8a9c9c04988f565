/**
 * Three-valued (Kleene) logic for policies evaluated with facts that are not known (explain,
 * access review, policy tests without a session or a request): `unknown` where the answer depends
 * on them. Each operator gives a definite answer whenever the known values alone settle it
 * (`false and unknown` is false, `true or unknown` is true), so a definite answer never depends on
 * an unknown fact. The operators are Pomerium's: `not` is "none holds", `nor` "not all hold".
 */
import type { Tri } from './types.js';

export const UNKNOWN = 'unknown' as const;

export function not3(value: Tri): Tri {
  return value === UNKNOWN ? UNKNOWN : !value;
}

/** false if any is false, else unknown if any is unknown, else true. */
export function and3(values: Iterable<Tri>): Tri {
  let result: Tri = true;
  for (const value of values) {
    if (value === false) return false;
    if (value === UNKNOWN) result = UNKNOWN;
  }
  return result;
}

/** true if any is true, else unknown if any is unknown, else false. */
export function or3(values: Iterable<Tri>): Tri {
  let result: Tri = false;
  for (const value of values) {
    if (value === true) return true;
    if (value === UNKNOWN) result = UNKNOWN;
  }
  return result;
}

export type Operator = 'and' | 'or' | 'not' | 'nor';

export function apply3(op: Operator, values: readonly Tri[]): Tri {
  switch (op) {
    case 'and':
      return and3(values);
    case 'or':
      return or3(values);
    case 'not':
      return and3(values.map(not3));
    case 'nor':
      return or3(values.map(not3));
  }
}
