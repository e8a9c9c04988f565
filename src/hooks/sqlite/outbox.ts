/**
 * The hooks' outbox over SQLite (the hook_outbox table): the Outbox of src/persistence/outbox.ts.
 * An event is appended only inside the caller's unit of work (src/store/unit-of-work.ts), so it
 * commits or rolls back with the change that caused it; its seq is the table's AUTOINCREMENT key,
 * hence commit order across every process on the database.
 */
import { randomIdPool } from '../../shared/random-ids.js';
import type { HookEvent, HookEventType, NewHookEvent, Outbox } from '../../persistence/outbox.js';
import type { Store } from '../../store/index.js';

export interface SqliteOutboxOptions {
  now?: () => Date;
  newId?: () => string;
  /** Told after each append (inside the write): the delivery worker wakes once the write has committed. */
  onAppend?: () => void;
}

/** Thrown when an event is appended outside a write: it would commit apart from its cause. */
export class OutboxOutsideWrite extends Error {
  readonly code = 'outbox-outside-write';
  constructor() {
    super('hook events are appended only inside store.writes.write, with the change that causes them');
  }
}

interface OutboxRow {
  seq: number;
  id: string;
  type: string;
  occurredAt: string;
  body: string;
}

const eventIdBytes = randomIdPool(16);
export const newEventId = (): string => `evt_${eventIdBytes()}`;

export function createSqliteOutbox(store: Pick<Store, 'sqlite' | 'writes'>, options: SqliteOutboxOptions = {}): Outbox {
  const { sqlite, writes } = store;
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? newEventId;
  const insert = sqlite.prepare<[string, string, string, string]>('INSERT INTO hook_outbox (id, type, occurred_at, body) VALUES (?, ?, ?, ?)');
  const after = sqlite.prepare<[number, number], OutboxRow>(
    'SELECT seq, id, type, occurred_at AS occurredAt, body FROM hook_outbox WHERE seq > ? ORDER BY seq LIMIT ?',
  );
  const head = sqlite.prepare<[], number | null>('SELECT max(seq) FROM hook_outbox').pluck();

  return {
    append(event: NewHookEvent): HookEvent {
      if (!writes.inWrite()) throw new OutboxOutsideWrite();
      const { type, occurredAt: at, ...rest } = event;
      const id = newId();
      const occurredAt = at ?? now().toISOString();
      const seq = Number(insert.run(id, type, occurredAt, JSON.stringify(rest)).lastInsertRowid);
      options.onAppend?.();
      return { id, seq, type, occurredAt, ...rest };
    },
    readAfter(afterSeq: number, limit: number): HookEvent[] {
      return after.all(afterSeq, Math.max(0, Math.floor(limit))).map(toEvent);
    },
    head(): number {
      return head.get() ?? 0;
    },
  };
}

function toEvent(row: OutboxRow): HookEvent {
  const rest = JSON.parse(row.body) as Omit<HookEvent, 'id' | 'seq' | 'type' | 'occurredAt'>;
  return { id: row.id, seq: row.seq, type: row.type as HookEventType, occurredAt: row.occurredAt, ...rest };
}
