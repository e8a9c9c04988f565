/**
 * The change-event log: every directory change appends an ordered row in the same
 * transaction as the change, then tells in-transaction listeners (revocation hooks in here,
 * so a deactivation and the end of that user's sessions commit or roll back together).
 */
import type { ChangeType, ChangeEvent, RecordedEvent, ChangeListener } from '../../persistence/directory.js';
import type Database from 'better-sqlite3';

export interface EventLog {
  record(event: ChangeEvent, occurredAt: string): RecordedEvent;
}

export function createEventLog(sqlite: Database.Database, listeners: readonly ChangeListener[]): EventLog {
  const insert = sqlite.prepare(
    'INSERT INTO events (occurred_at, type, resource_type, resource_id, data) VALUES (?, ?, ?, ?, ?)',
  );
  return {
    record(event, occurredAt) {
      const data = event.data === undefined ? null : JSON.stringify(event.data);
      const info = insert.run(occurredAt, event.type, event.resourceType, event.resourceId, data);
      const recorded: RecordedEvent = { ...event, seq: Number(info.lastInsertRowid), occurredAt };
      for (const listener of listeners) listener(recorded);
      return recorded;
    },
  };
}
