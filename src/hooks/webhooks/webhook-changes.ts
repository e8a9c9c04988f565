/**
 * What a config reload changed in the webhooks, for the audit log (`hooks.changed`): names added
 * and removed, and for the others which settings moved. Never a secret or a digest of one: only
 * that the secrets changed (a rotation), which is what an auditor needs to see.
 */
import type { WebhookConfig } from '../../config/types.js';

export interface WebhookChanges {
  added: string[];
  removed: string[];
  changed: { name: string; fields: string[] }[];
}

const same = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((value, i) => value === b[i]));

function changedFields(before: WebhookConfig, after: WebhookConfig): string[] {
  const fields: string[] = [];
  if (before.url !== after.url) fields.push('url');
  if (!same(before.events, after.events)) fields.push('events');
  if (!same(before.secrets, after.secrets)) fields.push('secrets');
  if (before.timeoutMs !== after.timeoutMs) fields.push('timeout');
  if (before.maxAgeMs !== after.maxAgeMs) fields.push('maxAge');
  if (before.initialBackoffMs !== after.initialBackoffMs || before.maxBackoffMs !== after.maxBackoffMs) fields.push('backoff');
  return fields;
}

/** undefined when nothing changed. */
export function webhookChanges(before: readonly WebhookConfig[], after: readonly WebhookConfig[]): WebhookChanges | undefined {
  const old = new Map(before.map((hook) => [hook.name, hook]));
  const now = new Map(after.map((hook) => [hook.name, hook]));
  const added = [...now.keys()].filter((name) => !old.has(name));
  const removed = [...old.keys()].filter((name) => !now.has(name));
  const changed = [...now.values()].flatMap((hook) => {
    const previous = old.get(hook.name);
    const fields = previous ? changedFields(previous, hook) : [];
    return fields.length > 0 ? [{ name: hook.name, fields }] : [];
  });
  return added.length + removed.length + changed.length > 0 ? { added, removed, changed } : undefined;
}
