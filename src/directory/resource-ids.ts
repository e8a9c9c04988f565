/**
 * Ids for new users and groups: UUID version 7 (RFC 9562 §5.7) — 48 bits of Unix time in
 * milliseconds, then 74 random bits.
 *
 * Why not random (version 4) UUIDs: the id is indexed (users_id_unique, groups_id_unique), and a
 * random key lands on a random index page. Every create then dirtied one more page, written to
 * the WAL at COMMIT and copied back by the checkpointer; with a batch's creates committed together
 * (src/store/write-group.ts), ids that grow with time share the index's last pages instead. What
 * the id reveals — when the resource was created — SCIM already returns as meta.created; ids are
 * names, not secrets (requests are authorised by bearer token or session, never by knowing an id).
 */
import { randomFillSync } from 'node:crypto';

const RANDOM_BYTES = 10;
const IDS_PER_POOL = 256;
const pool = Buffer.alloc(RANDOM_BYTES * IDS_PER_POOL);
let offset = pool.length;

export function newResourceId(now: number = Date.now()): string {
  if (offset >= pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(now, 0, 6);
  pool.copy(bytes, 6, offset, offset + RANDOM_BYTES);
  offset += RANDOM_BYTES;
  bytes[6] = 0x70 | ((bytes[6] as number) & 0x0f); // version 7
  bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f); // variant 10
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
