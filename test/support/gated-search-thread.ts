/**
 * A search thread for tests of the queue in front of it (src/directory/sqlite/off-thread-search.ts):
 * it holds each search it is handed until the test says 'release' on the broadcast channel
 * GATED_SEARCH_CHANNEL, then answers it with an empty page. It says on that channel how many
 * searches it has been handed, so a test sees which ones reached the thread and which were dropped
 * before.
 */
import { BroadcastChannel, parentPort } from 'node:worker_threads';
import { GATED_SEARCH_CHANNEL } from './gated-search-channel.js';

const port = parentPort;
if (port) {
  const channel = new BroadcastChannel(GATED_SEARCH_CHANNEL);
  const held: number[] = [];
  let handed = 0;
  channel.onmessage = (event) => {
    if ((event as unknown as { data: unknown }).data !== 'release') return;
    const id = held.shift();
    if (id !== undefined) port.postMessage({ id, ok: true, page: { total: 0, items: [] }, relations: undefined });
  };
  port.on('message', (message: { id: number } | 'stop') => {
    if (message === 'stop') {
      channel.close();
      port.close();
      return;
    }
    held.push(message.id);
    channel.postMessage({ handed: ++handed });
  });
}
