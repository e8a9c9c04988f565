/**
 * The audit log: an append-only, hash-chained table of security events (docs/audit.md). The
 * AuditLog interface is src/persistence/audit.ts; callers (SCIM writes, sign-in, sessions, tokens,
 * config reloads, hooks) take that interface and main.ts / the CLI hand them this implementation.
 */
export { createAuditedWrites } from './audited-writes.js';
export { startSampledAudit, DROPPED_TYPE, type RunningSampledAudit, type SampledAuditOptions } from './sampled-audit.js';
export { startAuditRetention, RETENTION_INTERVAL_MS, type AuditRetention, type AuditRetentionOptions } from './retention.js';
export { createSqliteAuditLog, AuditOutsideWrite, MANUAL_PRUNE, SCHEDULED_PRUNE, type SqliteAuditLog, type AuditLogDeps, type AuditHead, type PruneBy } from './sqlite/audit-log.js';
export { createAuditReader, type AuditQuery, type AuditReader } from './sqlite/audit-reader.js';
export { createChainVerifier, canonicalEncoding, rowHash, GENESIS_HASH, PRUNED_TYPE, type ChainAnchor, type ChainProblem, type ChainReport, type PrunedData, type PruneTrigger } from './chain.js';
