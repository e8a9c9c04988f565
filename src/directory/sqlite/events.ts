/**
 * The change-event log: every directory change appends an ordered row in the same
 * transaction as the change, then tells in-transaction listeners (revocation hooks in here,
 * so a deactivation and the end of that user's sessions commit or roll back together).
 */
import type Database from 'better-sqlite3';

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
  // Not a directory change: a sign-out, logged so every server on the database hears of it (src/access/sessions).
  | 'session.revoked';

export interface ChangeEvent {
  type: ChangeType;
  resourceType: 'User' | 'Group' | 'Session';
  resourceId: string;
  data?: Record<string, unknown>;
}

export interface RecordedEvent extends ChangeEvent {
  seq: number;
  occurredAt: string;
}

/** Runs inside the directory's transaction; throwing rolls the whole change back. */
export type ChangeListener = (event: RecordedEvent) => void;

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
