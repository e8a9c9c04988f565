/**
 * The drizzle schema: the single description of our tables. `npm run db:generate` turns
 * changes here into SQL migrations under migrations/.
 */
import { sql } from 'drizzle-orm';
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const users = sqliteTable(
  'users',
  {
    /**
     * Integer key for membership rows (an alias of the rowid, so VACUUM keeps it): a 10k-member
     * PATCH writes index entries of two integers instead of two UUIDs, ~3.5x less B-tree work.
     * Never leaves the directory; SCIM sees `id`.
     */
    key: integer('key').primaryKey(),
    id: text('id').notNull().unique(),
    userName: text('user_name').notNull(),
    externalId: text('external_id'),
    displayName: text('display_name'),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    /** The SCIM document as stored (all schemas, unknown extensions included), minus id/meta/groups/password. */
    doc: text('doc').notNull(),
    version: integer('version').notNull().default(1),
    created: text('created').notNull(),
    lastModified: text('last_modified').notNull(),
  },
  (t) => [
    // userName is caseExact=false with server uniqueness: one index serves both the rule and `eq` filters.
    uniqueIndex('users_user_name_ci').on(sql`lower(${t.userName})`),
    index('users_external_id').on(t.externalId),
    index('users_display_name_ci').on(sql`lower(${t.displayName})`),
    // The row keys alone, in order: where a startIndex page begins is found by stepping over this
    // small index (~10 bytes a user) instead of the table's leaves, which hold whole documents
    // (far cheaper once the table outgrows SQLite's page cache; figures in bench/README.md).
    index('users_key').on(t.key),
  ],
);

export const groups = sqliteTable(
  'groups',
  {
    /** See users.key. */
    key: integer('key').primaryKey(),
    id: text('id').notNull().unique(),
    displayName: text('display_name').notNull(),
    externalId: text('external_id'),
    /** The SCIM document minus id/meta/members: members live in group_users and group_groups. */
    doc: text('doc').notNull(),
    version: integer('version').notNull().default(1),
    created: text('created').notNull(),
    lastModified: text('last_modified').notNull(),
  },
  (t) => [
    uniqueIndex('groups_display_name_ci').on(sql`lower(${t.displayName})`),
    index('groups_external_id').on(t.externalId),
    // See users_key.
    index('groups_key').on(t.key),
  ],
);

/**
 * Direct memberships exactly as SCIM sends them, by member type: users in groups, and groups in
 * groups (nesting). Keys, not ids (see users.key). The migration creates both WITHOUT ROWID — the
 * primary key is the table — which drizzle-kit cannot express; queries do not notice.
 */
export const groupUsers = sqliteTable(
  'group_users',
  {
    groupKey: integer('group_key')
      .notNull()
      .references(() => groups.key, { onDelete: 'cascade' }),
    userKey: integer('user_key')
      .notNull()
      .references(() => users.key, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.groupKey, t.userKey] }), index('group_users_user').on(t.userKey, t.groupKey)],
);

export const groupGroups = sqliteTable(
  'group_groups',
  {
    parentKey: integer('parent_key')
      .notNull()
      .references(() => groups.key, { onDelete: 'cascade' }),
    childKey: integer('child_key')
      .notNull()
      .references(() => groups.key, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.parentKey, t.childKey] }), index('group_groups_child').on(t.childKey, t.parentKey)],
);

/**
 * Transitive nesting over groups: (ancestor, descendant) for every path of one or more
 * group→group edges. No reflexive rows: a group reaches itself only through a cycle. Kept in
 * step with group_groups by memberships.ts, in the same transaction as each edge change.
 */
export const groupClosure = sqliteTable(
  'group_closure',
  {
    ancestorKey: integer('ancestor_key')
      .notNull()
      .references(() => groups.key, { onDelete: 'cascade' }),
    descendantKey: integer('descendant_key')
      .notNull()
      .references(() => groups.key, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.ancestorKey, t.descendantKey] }), index('group_closure_descendant').on(t.descendantKey, t.ancestorKey)],
);

/**
 * Ordered change events, written in the same transaction as the change they describe. Read by
 * sequence only (the log's tail, and deliveries in order); no index by resource, since every
 * write would pay for it with a random index page at COMMIT (migration 0005).
 */
export const events = sqliteTable('events', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  occurredAt: text('occurred_at').notNull(),
  type: text('type').notNull(),
  resourceType: text('resource_type').notNull(),
  resourceId: text('resource_id').notNull(),
  data: text('data'),
});

/**
 * A table of bearer tokens: shown once at creation, stored only as a SHA-256 hash. One shape for
 * every kind of token (src/tokens/ serves them all), one table per kind so that a token of one
 * kind can never pass for another.
 */
function bearerTokenTable<N extends string>(name: N) {
  return sqliteTable(name, {
    id: text('id').primaryKey(),
    name: text('name').notNull().unique(),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: text('created_at').notNull(),
    lastUsedAt: text('last_used_at'),
    revokedAt: text('revoked_at'),
  });
}

/** SCIM bearer tokens (the provisioning client's). */
export const scimTokens = bearerTokenTable('scim_tokens');

/** Bearer tokens of Shared Signals receivers (src/ssf/): they manage their streams and poll, nothing else. */
export const ssfTokens = bearerTokenTable('ssf_tokens');

/** The shape both token tables share (src/tokens/sqlite/token-store.ts works on either). */
export type BearerTokenTable = typeof scimTokens | typeof ssfTokens;

/**
 * Sign-in sessions. The cookie holds a random secret; only its SHA-256 (hex) is stored, so a
 * copy of the database cannot be replayed as cookies. Times are epoch milliseconds (integers):
 * the forward-auth hot path compares them on every request and purge walks them by index.
 * No foreign key to users: revocation deletes a deleted user's rows in the directory's own
 * transaction (src/revocation), and a revoked row is kept until its idle expiry for audit.
 */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    secretHash: text('secret_hash').notNull().unique(),
    userId: text('user_id').notNull(),
    tenantId: text('tenant_id'),
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    createdAt: integer('created_at').notNull(),
    /** Absolute expiry: no activity extends it. */
    expiresAt: integer('expires_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    /** Slides with activity (at most once a minute), never past expires_at. */
    idleExpiresAt: integer('idle_expires_at').notNull(),
    idleTtlSeconds: integer('idle_ttl_seconds').notNull(),
    revokedAt: integer('revoked_at'),
    revokeReason: text('revoke_reason'),
    /** The ID-token claims kept for policies (`claim/<name>`, `auth_age`): a small JSON object, or null. */
    claims: text('claims'),
  },
  (t) => [index('sessions_user').on(t.userId), index('sessions_idle_expires').on(t.idleExpiresAt)],
);

/**
 * Server-side keys generated at first start (e.g. the one sealing pending-login cookies), so a
 * restart — or another replica on the same database — keeps accepting what it issued.
 */
export const serverKeys = sqliteTable('server_keys', {
  name: text('name').primaryKey(),
  key: blob('key', { mode: 'buffer' }).notNull(),
  createdAt: text('created_at').notNull(),
});

/**
 * The audit log: security events, append-only and hash-chained (src/audit/). `seq` is assigned by
 * the writer as the tail's seq + 1, read under the write lock, so the chain has no gaps a deletion
 * could hide in; `hash` is SHA-256 over the row's columns and `prev_hash`. No secondary index:
 * every SCIM write appends here, and the queries (`scimgate audit`) are an operator's, not a hot path.
 */
export const auditLog = sqliteTable('audit_log', {
  seq: integer('seq').primaryKey(),
  occurredAt: text('occurred_at').notNull(),
  type: text('type').notNull(),
  actor: text('actor'),
  userId: text('user_id'),
  requestId: text('request_id'),
  data: text('data'),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});

/**
 * Shared Signals (SSF 1.0) event streams: one row per stream a receiver created. `receiver` is
 * the name of the SSF token that created it (streams follow the name, so a receiver whose token
 * is replaced keeps its streams); `config` is the receiver-supplied part as JSON (delivery,
 * events_requested, description); status is enabled | paused | disabled.
 */
export const ssfStreams = sqliteTable(
  'ssf_streams',
  {
    id: text('id').primaryKey(),
    receiver: text('receiver').notNull(),
    audience: text('audience').notNull(),
    deliveryMethod: text('delivery_method').notNull(),
    config: text('config').notNull(),
    status: text('status').notNull().default('enabled'),
    statusReason: text('status_reason'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('ssf_streams_receiver').on(t.receiver)],
);

/**
 * Subjects a receiver added to or removed from a stream (SSF 1.0 §8.1.3): the subject as canonical
 * JSON, and whether it is wanted (1, added) or not (0, removed). Deleted with the stream.
 */
export const ssfSubjects = sqliteTable(
  'ssf_subjects',
  {
    streamId: text('stream_id')
      .notNull()
      .references(() => ssfStreams.id, { onDelete: 'cascade' }),
    subject: text('subject').notNull(),
    wanted: integer('wanted', { mode: 'boolean' }).notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.streamId, t.subject] })],
);

/**
 * SET signing keys (private and public JWK, JSON). The newest key not retired signs; a retired key
 * stays published in the JWKS for the overlap after `retired_at`, and while a queued poll SET
 * still carries its kid.
 */
export const ssfKeys = sqliteTable('ssf_keys', {
  kid: text('kid').primaryKey(),
  alg: text('alg').notNull(),
  privateJwk: text('private_jwk').notNull(),
  publicJwk: text('public_jwk').notNull(),
  createdAt: text('created_at').notNull(),
  retiredAt: text('retired_at'),
});

/**
 * SETs for receivers that poll (RFC 8936): signed when queued, returned on every poll until
 * acknowledged. An acknowledged row keeps its jti (token emptied) until purged days later, so a
 * redelivery of the same outbox event cannot queue an acknowledged SET again. `seq` orders them.
 */
export const ssfPollQueue = sqliteTable(
  'ssf_poll_queue',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    streamId: text('stream_id')
      .notNull()
      .references(() => ssfStreams.id, { onDelete: 'cascade' }),
    jti: text('jti').notNull(),
    kid: text('kid').notNull(),
    token: text('token').notNull(),
    queuedAt: text('queued_at').notNull(),
    ackedAt: text('acked_at'),
  },
  (t) => [uniqueIndex('ssf_poll_queue_stream_jti').on(t.streamId, t.jti), index('ssf_poll_queue_kid').on(t.kid)],
);

/**
 * The hooks' outbox (src/hooks/, issue 14): events for downstream systems, appended in the same
 * transaction as the change that causes them. `seq` is commit order (AUTOINCREMENT: never reused,
 * and writers hold the write lock, so a reader never later sees a smaller one commit). `body` is
 * the event's JSON without the columns. Read by seq; occurred_at is indexed for replay by time
 * and for pruning by age (both at the index's right edge as rows arrive in time order).
 */
export const hookOutbox = sqliteTable(
  'hook_outbox',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull(),
    type: text('type').notNull(),
    occurredAt: text('occurred_at').notNull(),
    body: text('body').notNull(),
  },
  (t) => [index('hook_outbox_occurred_at').on(t.occurredAt)],
);

/**
 * One row per hook subscriber ('webhook:<name>', 'ssf:<streamId>') the delivery worker has seen:
 * its cursor (the last outbox seq handled — delivered, dead-lettered or not accepted) and the
 * lease that lets exactly one process deliver to it at a time. Times are epoch milliseconds.
 */
export const hookSubscribers = sqliteTable('hook_subscribers', {
  id: text('id').primaryKey(),
  cursor: integer('cursor').notNull(),
  leaseOwner: text('lease_owner'),
  leaseUntil: integer('lease_until').notNull().default(0),
  firstSeenAt: integer('first_seen_at').notNull(),
  /** When a worker last found it among the configured subscribers (an old one is shown as gone). */
  lastSeenAt: integer('last_seen_at').notNull(),
  /** When an operator last moved the cursor back (replay): max age counts from then for what it re-sends. */
  rewoundAt: integer('rewound_at').notNull().default(0),
});

/**
 * One row per event a subscriber accepted and the worker took on: pending (head of the
 * subscriber's line, or retried by an operator), delivered, or dead (max age passed, or refused
 * for good). `age_from` is when its max age started counting (the event, or a replay/retry).
 */
export const hookDeliveries = sqliteTable(
  'hook_deliveries',
  {
    id: text('id').primaryKey(),
    subscriberId: text('subscriber_id').notNull(),
    eventSeq: integer('event_seq').notNull(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    state: text('state').notNull(),
    attempts: integer('attempts').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    ageFrom: integer('age_from').notNull(),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    lastError: text('last_error'),
  },
  (t) => [
    index('hook_deliveries_subscriber').on(t.subscriberId, t.state, t.eventSeq),
    index('hook_deliveries_state').on(t.state, t.updatedAt),
  ],
);

/**
 * Every attempt to send a delivery, claimed in a write before the request goes out (with the
 * others of its batch): the primary key (delivery, attempt number) is what makes two processes
 * unable to make the same attempt twice. `outcome` stays null while in flight (or when the process
 * died before recording it); a claim never sent is deleted again.
 */
export const hookAttempts = sqliteTable(
  'hook_attempts',
  {
    deliveryId: text('delivery_id').notNull(),
    attempt: integer('attempt').notNull(),
    owner: text('owner').notNull(),
    startedAt: integer('started_at').notNull(),
    finishedAt: integer('finished_at'),
    outcome: text('outcome'),
    error: text('error'),
  },
  (t) => [primaryKey({ columns: [t.deliveryId, t.attempt] })],
);
