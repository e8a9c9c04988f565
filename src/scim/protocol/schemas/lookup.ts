/**
 * An attribute vocabulary for one resource type: how a path as a client wrote it in a filter or
 * sortBy resolves to a definition (RFC 7643 §2.1, §7), and how to name it in an error. The
 * directory compiles filters to SQL with it but does not own it: it is SCIM's, handed to the
 * directory with each search (SearchQuery.attributes, src/persistence/directory.ts), so the
 * directory takes only types from scim/protocol (.dependency-cruiser.cjs).
 */
import { printAttrPath } from '../filter/print.js';
import { findAttribute, type AttributeDef } from './attribute.js';
import { groupResourceType, resolveAttribute, userResourceType, type AttrPath, type ResolvedAttribute, type ResourceTypeDef, type ResourceTypeName } from './index.js';

export interface AttributeLookup {
  /** The resource type these attributes belong to: a search of the other type's table is refused. */
  readonly resourceType: ResourceTypeName;
  /** The attribute a path names, in canonical spelling; undefined when there is none. */
  resolve(path: AttrPath): ResolvedAttribute | undefined;
  /** A sub-attribute of a complex attribute, by name (case-insensitive). */
  subAttribute(parent: AttributeDef, name: string): AttributeDef | undefined;
  /** The path as filters write it, for error details. */
  label(path: AttrPath): string;
}

export function attributeLookup(resourceType: ResourceTypeDef): AttributeLookup {
  return {
    resourceType: resourceType.id,
    resolve: (path) => resolveAttribute(resourceType, path),
    subAttribute: (parent, name) => findAttribute(parent.subAttributes ?? [], name),
    label: printAttrPath,
  };
}

/** The lookups of the resource types we serve, built once. */
export const attributeLookups: Readonly<Record<ResourceTypeName, AttributeLookup>> = {
  User: attributeLookup(userResourceType),
  Group: attributeLookup(groupResourceType),
};
