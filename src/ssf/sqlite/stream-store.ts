/**
 * SSF event streams and their subjects over SQLite (ssf_streams, ssf_subjects); every change is
 * one unit of work. Queries always name the receiver, so one receiver can never read or change
 * another's stream (SSF 1.0 §8: authorization associates a receiver with its streams).
 */
import type { Store } from '../../store/index.js';
import type { ReceiverConfig, Stream, StreamStatus, StreamStore, StreamSubject } from '../stream.js';

interface StreamRow {
  id: string;
  receiver: string;
  audience: string;
  config: string;
  status: string;
  status_reason: string | null;
  created_at: string;
  updated_at: string;
}

const COLUMNS = 'id, receiver, audience, config, status, status_reason, created_at, updated_at';

export function createSqliteStreamStore(store: Pick<Store, 'sqlite' | 'writes' | 'otherCommits'>): StreamStore {
  const { sqlite, writes } = store;
  const insert = sqlite.prepare<[string, string, string, string, string, string, string | null, string, string]>(
    'INSERT INTO ssf_streams (id, receiver, audience, delivery_method, config, status, status_reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const selectOne = sqlite.prepare<[string, string], StreamRow>(`SELECT ${COLUMNS} FROM ssf_streams WHERE id = ? AND receiver = ?`);
  const selectByReceiver = sqlite.prepare<[string], StreamRow>(`SELECT ${COLUMNS} FROM ssf_streams WHERE receiver = ? ORDER BY created_at, id`);
  const selectAll = sqlite.prepare<[], StreamRow>(`SELECT ${COLUMNS} FROM ssf_streams ORDER BY created_at, id`);
  const updateConfig = sqlite.prepare<[string, string, string, string, string]>(
    'UPDATE ssf_streams SET config = ?, delivery_method = ?, updated_at = ? WHERE id = ? AND receiver = ?',
  );
  const updateStatus = sqlite.prepare<[string, string | null, string, string, string]>(
    'UPDATE ssf_streams SET status = ?, status_reason = ?, updated_at = ? WHERE id = ? AND receiver = ?',
  );
  const deleteSubjects = sqlite.prepare<[string]>('DELETE FROM ssf_subjects WHERE stream_id = ?');
  const deleteQueue = sqlite.prepare<[string]>('DELETE FROM ssf_poll_queue WHERE stream_id = ?');
  const deleteStream = sqlite.prepare<[string, string]>('DELETE FROM ssf_streams WHERE id = ? AND receiver = ?');
  const selectSubjects = sqlite.prepare<[string], { subject: string; wanted: number }>('SELECT subject, wanted FROM ssf_subjects WHERE stream_id = ? ORDER BY subject');
  // Another connection's changes move `store.otherCommits()`; this store's own are counted here
  // (this connection's commits do not move the other).
  let changes = 0;
  const upsertSubject = sqlite.prepare<[string, string, number, string]>(
    'INSERT INTO ssf_subjects (stream_id, subject, wanted, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (stream_id, subject) DO UPDATE SET wanted = excluded.wanted, updated_at = excluded.updated_at',
  );

  return {
    create(stream, inWrite) {
      writes.write(() => {
        changes++;
        insert.run(
          stream.id,
          stream.receiver,
          stream.audience,
          stream.config.delivery.method,
          JSON.stringify(stream.config),
          stream.status,
          stream.statusReason ?? null,
          stream.createdAt,
          stream.updatedAt,
        );
        inWrite?.();
      });
    },
    get(id, receiver) {
      const row = selectOne.get(id, receiver);
      return row && toStream(row);
    },
    list(receiver) {
      return selectByReceiver.all(receiver).map(toStream);
    },
    all() {
      return selectAll.all().map(toStream);
    },
    replaceConfig(id, receiver, config, at, inWrite) {
      return writes.write(() => {
        changes++;
        if (updateConfig.run(JSON.stringify(config), config.delivery.method, at, id, receiver).changes === 0) return undefined;
        inWrite?.();
        const row = selectOne.get(id, receiver);
        return row && toStream(row);
      });
    },
    setStatus(id, receiver, status, reason, at, inWrite) {
      return writes.write(() => {
        changes++;
        if (updateStatus.run(status, reason ?? null, at, id, receiver).changes === 0) return undefined;
        inWrite?.();
        const row = selectOne.get(id, receiver);
        return row && toStream(row);
      });
    },
    delete(id, receiver, inWrite) {
      return writes.write(() => {
        changes++;
        if (!selectOne.get(id, receiver)) return false;
        deleteSubjects.run(id);
        deleteQueue.run(id);
        deleteStream.run(id, receiver);
        inWrite?.();
        return true;
      });
    },
    subjects(streamId): StreamSubject[] {
      return selectSubjects.all(streamId).map((row) => ({ subject: row.subject, wanted: row.wanted === 1 }));
    },
    setSubject(streamId, subject, wanted, at) {
      writes.write(() => {
        changes++;
        upsertSubject.run(streamId, subject, wanted ? 1 : 0, at);
      });
    },
    revision: () => `${store.otherCommits()}:${changes}`,
  };
}

function toStream(row: StreamRow): Stream {
  return {
    id: row.id,
    receiver: row.receiver,
    audience: row.audience,
    config: JSON.parse(row.config) as ReceiverConfig,
    status: row.status as StreamStatus,
    ...(row.status_reason === null ? {} : { statusReason: row.status_reason }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
