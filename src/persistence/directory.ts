/**
 * The directory's persistence, as any implementation must provide it: users, groups and their
 * memberships (nested, with the transitive closure kept in the same transaction as every edge
 * change), the change-event log, and the reads the SCIM routes and the access layer make. The
 * SQLite implementation is src/directory/sqlite/; what every implementation must do is stated as
 * tests in test/contract/directory-contract.ts.
 *
 * Every write is atomic with the change events it causes: listeners (ChangeListener) run inside
 * the write, and a listener that throws undoes it. A write refused by a rule (uniqueness, If-Match,
 * an unknown member, a PATCH that fails part-way) leaves the stored data and the event log exactly
 * as they were.
 */
import type { ScimError, ScimResult } from '../scim/protocol/errors.js';
import type { Filter } from '../scim/protocol/filter/ast.js';
import type { JsonObject } from '../scim/protocol/json.js';
import type { MemberChange } from '../scim/protocol/patch/index.js';
import type { MemberInput } from '../scim/protocol/resource/members.js';
import type { AttrPath } from '../scim/protocol/schemas/index.js';
import type { AttributeLookup } from '../scim/protocol/schemas/lookup.js';
import type { Result } from '../shared/result.js';
import type { WriteBatches } from './write-batches.js';

export type { AttributeLookup, MemberChange, MemberInput };

/**
 * Why the directory refused a request: a stable code and a detail for humans. The directory
 * speaks SCIM's shapes but not its wire format; the SCIM layer maps each code to a status and
 * scimType in one place (src/scim/http/directory-errors.ts). Plain data, so a refusal made on
 * the search thread crosses to the request thread as it is.
 */
export type DirectoryErrorCode =
  /** No resource with that id. */
  | 'not-found'
  /** If-Match named a version that is not the current one. */
  | 'precondition-failed'
  /** A userName or group displayName already taken. */
  | 'uniqueness'
  /** A filter that cannot run: unknown or unfilterable attribute, ill-typed value, more work than allowed. */
  | 'invalid-filter'
  /** A sortBy that cannot order resources. */
  | 'invalid-sort'
  /** A member that is not a known user or group, or not of the type stated. */
  | 'invalid-member';

export interface DirectoryError {
  readonly code: DirectoryErrorCode;
  readonly detail: string;
}

export type DirectoryResult<T> = Result<T, DirectoryError>;

/**
 * A write that applies the caller's change to a stored document (PUT, PATCH): refused by the
 * directory, or by the change itself — whose ScimError is passed through as the change gave it.
 */
export type ChangeResult<T> = Result<T, DirectoryError | ScimError>;

export interface UserRecord {
  id: string;
  userName: string;
  externalId: string | null;
  displayName: string | null;
  active: boolean;
  doc: JsonObject;
  /** Moves by one with every stored change; the ETag is W/"<version>". */
  version: number;
  created: string;
  lastModified: string;
}

export interface GroupRecord {
  id: string;
  displayName: string;
  externalId: string | null;
  doc: JsonObject;
  version: number;
  created: string;
  lastModified: string;
}

/** Called with the current document; returns the new one or an error that aborts the write. */
export type DocumentChange = (current: JsonObject) => ScimResult<JsonObject>;

/** A row's place in a list's order: its key, and its sort key's value when the list is sorted (cursors, RFC 9865). */
export interface PagePosition {
  key: number;
  sort?: string | number | null | undefined;
}

/**
 * A list request: a parsed filter and sort key; the implementation filters inside its database.
 * A filter or sortBy comes with the attribute lookup its names resolve through (SCIM's schema
 * registry, src/scim/protocol/schemas/lookup.ts), for the resource type of the store asked.
 */
export type SearchQuery = SearchPaging &
  (
    | { attributes: AttributeLookup; filter?: Filter | undefined; sortBy?: AttrPath | undefined }
    | { attributes?: undefined; filter?: undefined; sortBy?: undefined }
  );

export interface SearchPaging {
  descending?: boolean | undefined;
  /** 0-based; ignored when `after` is given. */
  offset: number;
  /** Start after this resource (a cursor's position, RFC 9865), at any depth for the same cost. */
  after?: PagePosition | undefined;
  limit: number;
}

export interface Page<T> {
  total: number;
  items: T[];
  /** Where the next page starts, when there is one (the last item's position). */
  next?: PagePosition;
}

/** A page read asynchronously (off the request thread), with its relationships when asked for. */
export interface OffThreadPage<R, X> {
  page: Page<R>;
  relations: X | undefined;
}

export interface UserStore {
  get(id: string): UserRecord | undefined;
  /** A new user; `uniqueness` when the userName is taken (compared case-insensitively). */
  create(doc: JsonObject): DirectoryResult<UserRecord>;
  /** Replace or patch: `change` sees the stored document and returns the one to store; If-Match is checked inside the write. */
  modify(id: string, change: DocumentChange, ifMatch?: string): ChangeResult<UserRecord>;
  /** Deletes the user and every membership it had. */
  delete(id: string, ifMatch?: string): DirectoryResult<void>;
  list(query: SearchQuery): DirectoryResult<Page<UserRecord>>;
  /**
   * The same search answered asynchronously, with each user's groups when asked, when it may be
   * slow (it may test every user); undefined when `list` should answer it at once.
   */
  listOffThread(query: SearchQuery, withRelations: boolean, abandoned?: () => AbortSignal | undefined): Promise<DirectoryResult<OffThreadPage<UserRecord, Map<string, UserGroupRecord[]>>>> | undefined;
}

export interface GroupStore {
  get(id: string): GroupRecord | undefined;
  /** A new group with its members; `uniqueness` when the displayName is taken. An unknown member refuses the whole write. */
  create(doc: JsonObject, members?: MemberInput[]): DirectoryResult<GroupRecord>;
  /** Changes the document and/or the membership in one write. */
  modify(id: string, change: DocumentChange | undefined, memberChanges: MemberChange[], ifMatch?: string): ChangeResult<GroupRecord>;
  delete(id: string, ifMatch?: string): DirectoryResult<void>;
  list(query: SearchQuery): DirectoryResult<Page<GroupRecord>>;
  /** As UserStore.listOffThread, with each group's members. */
  listOffThread(query: SearchQuery, withRelations: boolean, abandoned?: () => AbortSignal | undefined): Promise<DirectoryResult<OffThreadPage<GroupRecord, Map<string, MemberRecord[]>>>> | undefined;
}

export type MemberType = 'User' | 'Group';

export interface MemberRecord {
  groupId: string;
  value: string;
  type: MemberType;
  display: string | null;
}

export interface UserGroupRecord {
  userId: string;
  groupId: string;
  display: string;
  /** direct: the user is a member as sent; indirect: through nested groups. */
  type: 'direct' | 'indirect';
}

/** Membership for responses, batched over a page of resources (one query, not one per row). */
export interface MemberReads {
  /** Each group's direct members (users first, then groups), by group id. */
  membersOf(groupIds: readonly string[]): Map<string, MemberRecord[]>;
  /** Each user's groups, direct and through nesting, by user id. */
  groupsOf(userIds: readonly string[]): Map<string, UserGroupRecord[]>;
}

export interface EffectiveGroup {
  id: string;
  displayName: string;
  externalId: string | null;
}

export interface EffectiveMember {
  id: string;
  userName: string;
  displayName: string | null;
  active: boolean;
}

export interface EffectiveMembersPage {
  items: EffectiveMember[];
  /** Pass as `after` for the next page; undefined on the last page. */
  next: string | undefined;
}

export interface MembersPageRequest {
  /** Keyset cursor: the last user id of the previous page. */
  after?: string | undefined;
  limit?: number | undefined;
}

/** Effective (transitive) membership for the access layer; nothing recurses on the request path. */
export interface EffectiveGroups {
  /** Every group the user is in, directly or through nested groups (cycles included). */
  effectiveGroups(userId: string): EffectiveGroup[];
  /** Users in the group directly or through any nested group, paged by user id. */
  effectiveMembers(groupId: string, page?: MembersPageRequest): EffectiveMembersPage;
  countEffectiveMembers(groupId: string): number;
}

/** A group as access reviews see it: the directory's integer key identifies it in the graph. */
export interface BulkGroup extends EffectiveGroup {
  key: number;
}

export interface BulkUser {
  id: string;
  userName: string;
  externalId: string | null;
  active: boolean;
  doc: Record<string, unknown>;
  /** The groups the user is a direct member of. */
  directGroups: readonly BulkGroup[];
  /** Direct and nested, each once: the user's direct groups' closure. */
  effectiveGroups: readonly BulkGroup[];
}

export interface GroupGraph {
  byKey: ReadonlyMap<number, BulkGroup>;
  /** Direct parents of a group (it is a member of them). */
  parents(key: number): readonly number[];
  /** Every group above it through any depth. */
  ancestors(key: number): readonly number[];
}

/** The whole directory in bulk for access reviews: set-based, read-only, one snapshot. */
export interface BulkReads {
  /** Visits every user (active or not); returns the group graph it used. The visitor must not read the directory. */
  scanUsers(visit: (user: BulkUser, graph: GroupGraph) => void): GroupGraph;
  /** One user (by id) in the same shape, with the group graph: `scimgate access user`. */
  user(id: string): { user: BulkUser; graph: GroupGraph } | undefined;
}

export type LinkAttribute = 'externalId' | 'id' | 'userName' | 'employeeNumber';

export interface LinkedUser {
  id: string;
  userName: string;
  displayName: string | null;
  active: boolean;
  /** The primary (else first) e-mail, for display and the X-Auth-Request-Email header only. */
  email: string | undefined;
}

export type UserLookupResult = { found: 'one'; user: LinkedUser } | { found: 'none' } | { found: 'many' };

/** Sign-in linking by an immutable attribute (never e-mail). */
export interface UserLookup {
  findUserByAttribute(attribute: LinkAttribute, value: string): UserLookupResult;
}

export type ChangeType =
  | 'user.created'
  | 'user.updated'
  | 'user.deactivated'
  | 'user.reactivated'
  | 'user.deleted'
  | 'group.created'
  | 'group.updated'
  | 'group.deleted'
  | 'group.members_changed'
  // Not a directory change: a session's revocation, logged so every server on the database hears of it (src/access/sessions).
  | 'session.revoked';

/** A user as change listeners see it. */
export interface ChangedUser {
  id: string;
  userName: string;
  externalId: string | null;
  /** The primary (else first) e-mail. */
  email: string | undefined;
}

export interface GroupRef {
  id: string;
  displayName: string;
}

/** What one write did to one user's effective groups (direct or through nesting). */
export interface EffectiveGroupsChange {
  user: ChangedUser;
  added: GroupRef[];
  removed: GroupRef[];
}

export interface ChangeEvent {
  type: ChangeType;
  resourceType: 'User' | 'Group' | 'Session';
  resourceId: string;
  /** Kept in the change log. */
  data?: Record<string, unknown>;
  /** user.* events: the user as the change left it (as it was, for user.deleted). For listeners only, not logged. */
  user?: ChangedUser;
  /**
   * Group writes (create, members changed, delete): every user whose effective groups the write
   * changed, with the groups gained and lost, computed set-wise from the closure inside the
   * write. Absent when none changed, and when the directory was told nobody wants them
   * (src/directory/sqlite/deps.ts, effectiveGroupChanges). For listeners only, not logged.
   */
  effectiveGroups?: readonly EffectiveGroupsChange[];
}

export interface RecordedEvent extends ChangeEvent {
  /** Strictly increasing, in commit order. */
  seq: number;
  occurredAt: string;
}

/**
 * Runs inside the write that caused the event; throwing undoes the whole write. For user.deleted
 * it runs before the user's row is removed (its memberships are gone already), so a listener may
 * still read the user as it was.
 */
export type ChangeListener = (event: RecordedEvent) => void;

export interface Directory {
  /** Runs several reads as one consistent snapshot. */
  read<T>(reads: () => T): T;
  /** How the implementation's writes are batched (group commit) and when a batch's answers may leave. */
  writes: WriteBatches;
  /** Moves whenever the directory may have changed, through this process or another; caches key on it. */
  version(): number;
  users: UserStore;
  groups: GroupStore;
  reads: MemberReads;
  effective: EffectiveGroups;
  /** Every user with effective groups in one snapshot, for access reviews (read-only). */
  bulk: BulkReads;
  lookup: UserLookup;
  /** Logs a session's revocation in the change log, inside the caller's write (the session store's revocation). */
  recordSessionRevoked(sessionId: string, data?: { userId: string; reason: string }): void;
}
