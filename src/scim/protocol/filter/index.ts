/** The SCIM filter language (RFC 7644 §3.4.2.2): parse, print and evaluate filters. */
export type { CompareOp, CompValue, Filter } from './ast.js';
export type { AttrPath } from '../schemas/index.js';
export { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, parseAttrPath, parseFilter } from './parse.js';
export { printAttrPath, printFilter, printValue } from './print.js';
export { matchesFilter } from './evaluate.js';
