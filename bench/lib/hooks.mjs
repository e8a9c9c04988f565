/**
 * What the hooks scenarios share: a scimgate config file with webhook subscribers (the YAML
 * `hooks.webhooks` section of docs/hooks.md), SCIM PATCH bodies that deactivate and reactivate,
 * reading a delivered event's type, user and sequence, and checking a receiver's record for loss,
 * order and duplicates.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { PATCH_SCHEMA } from './scim-bodies.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'scimgate-bench-hooks-'));

/**
 * A config file with these webhooks (none: the same server without hooks); pass its path as SCIMGATE_CONFIG. Backoff is short so a
 * receiver that comes back is retried within a second, as an operator tuning for it would set.
 * @param {{ name: string, url: string, secret: string, events?: string[] }[]} webhooks
 */
export function hooksConfigFile(webhooks, { pollInterval = '200ms', backoffMax = '1s' } = {}) {
  const file = join(scratch, `hooks-${Date.now()}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    stringify({
      // The bench measures the server, not the per-token rate limit (src/scim/rate-limit.ts), which
      // would answer most of 50 connections' PATCHes with 429.
      scim: { rateLimit: { requestsPerSecond: 0 } },
      hooks: {
        pollInterval,
        webhooks: webhooks.map((w) => ({
          name: w.name,
          url: w.url,
          secrets: [{ value: w.secret }],
          ...(w.events ? { events: w.events } : {}),
          timeout: '2s',
          backoff: { initial: '100ms', max: backoffMax },
        })),
      },
    }),
  );
  return file;
}

/** Entra's deprovisioning PATCH (`"False"`, a string, as Entra sends it) and its reverse. */
export const setActive = (active) => JSON.stringify({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'Replace', path: 'active', value: active ? 'True' : 'False' }] });

/** The event a webhook body carries: Standard Webhooks' `{ type, timestamp, data }`, the event's id, seq and user under `data`. */
export function eventOf(body) {
  const data = body?.data ?? {};
  return { id: data.id, seq: data.seq, type: body?.type, userId: data.user?.id };
}

/**
 * Loss, order and duplicates in what one receiver got, against the user ids whose deactivation
 * was committed. Order: the sequence never goes back (a retry repeats the event it is on, before
 * any later one); a duplicate must carry the same webhook-id and event id as the first copy.
 * @param {{ id: string, body: any }[]} deliveries
 * @param {Iterable<string>} deactivatedUserIds
 */
export function audit(deliveries, deactivatedUserIds) {
  const firstById = new Map();
  let orderViolations = 0;
  let duplicates = 0;
  let duplicatesWithOtherId = 0;
  let lastSeq = -Infinity;
  const deactivatedSeen = new Set();
  for (const delivery of deliveries) {
    const event = eventOf(delivery.body);
    if (event.id !== delivery.id) duplicatesWithOtherId++; // the header id must be the event's own
    if (event.seq < lastSeq) orderViolations++;
    lastSeq = Math.max(lastSeq, event.seq);
    const first = firstById.get(delivery.id);
    if (first) {
      duplicates++;
      if (first.seq !== event.seq || first.type !== event.type) duplicatesWithOtherId++;
    } else firstById.set(delivery.id, event);
    if (event.type === 'user.deactivated') deactivatedSeen.add(event.userId);
  }
  // The same change delivered under two ids would show as two distinct ids for one seq.
  const idsBySeq = new Map();
  for (const [id, event] of firstById) idsBySeq.set(event.seq, [...(idsBySeq.get(event.seq) ?? []), id]);
  for (const ids of idsBySeq.values()) if (ids.length > 1) duplicatesWithOtherId += ids.length - 1;
  let lost = 0;
  for (const userId of deactivatedUserIds) if (!deactivatedSeen.has(userId)) lost++;
  return { lost, orderViolations, duplicates, duplicatesWithOtherId, distinct: firstById.size };
}

/** `count` PATCHes over keep-alive HTTP, `concurrency` at a time; resolves with the users whose PATCH answered 2xx. */
export async function patchMany(server, users, { concurrency = 16, active = false, onAnswer } = {}) {
  const committed = [];
  const failed = {};
  let next = 0;
  const worker = async () => {
    while (next < users.length) {
      const user = users[next++];
      let status;
      try {
        const res = await fetch(`${server.scimBase}/Users/${user.id}`, { method: 'PATCH', headers: server.headers, body: setActive(active) });
        await res.arrayBuffer();
        status = res.status;
      } catch (error) {
        status = `error ${error.cause?.code ?? error.message}`;
      }
      if (typeof status === 'number' && status >= 200 && status < 300) committed.push(user.id);
      else failed[status] = (failed[status] ?? 0) + 1;
      onAnswer?.(committed.length);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { committed, failed };
}
