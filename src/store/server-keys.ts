/**
 * Keys the server makes for itself once and keeps in the database: the first start (or replica)
 * to ask creates the key, every later one reads the same bytes.
 */
import { randomBytes } from 'node:crypto';
import type { Store } from './connection.js';

export function serverKey(store: Store, name: string, bytes: number, now: () => Date = () => new Date()): Buffer {
  const insert = store.sqlite.prepare('INSERT INTO server_keys (name, key, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING');
  store.writes.write(() => insert.run(name, randomBytes(bytes), now().toISOString()));
  const row = store.sqlite.prepare<[string], { key: Buffer }>('SELECT key FROM server_keys WHERE name = ?').get(name);
  if (!row || row.key.byteLength !== bytes) throw new Error(`server key "${name}" is missing or not ${bytes} bytes long`);
  return row.key;
}
