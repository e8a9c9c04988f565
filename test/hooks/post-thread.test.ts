/**
 * The webhook sender thread (src/hooks/webhooks/post-thread.ts): POSTs made from a worker thread
 * against real loopback receivers — one that answers, one that hangs (the caller's abort must
 * reach the thread and close the socket), one that drops the connection — and a stop with a POST
 * still out.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostThread, type PostThread } from '../../src/hooks/webhooks/post-thread.js';

interface Received {
  method: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A loopback receiver on port 0; `answer` decides what each request gets once its body is read. */
async function receiver(answer: (req: IncomingMessage, res: ServerResponse, received: Received) => void): Promise<{ url: URL; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const one = { method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(one);
      answer(req, res, one);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return { url: new URL(`http://127.0.0.1:${port}/hooks`), received, server };
}

function thread(): PostThread {
  const posts = createPostThread();
  cleanups.push(() => posts.stop());
  return posts;
}

describe('webhook POSTs on their own thread', () => {
  it('sends the headers and body as given and brings back the status and Retry-After', async () => {
    const { url, received } = await receiver((req, res, one) => {
      if (one.body.includes('busy')) res.writeHead(503, { 'retry-after': '7' }).end('later');
      else res.writeHead(204).end();
    });
    const posts = thread();
    const headers = { 'content-type': 'application/json', 'webhook-id': 'evt_1' };
    const first = await posts.post(url, headers, '{"type":"user.deactivated","ünïcode":true}', new AbortController().signal);
    expect(first).toEqual({ status: 204, retryAfter: undefined });
    const second = await posts.post(url, headers, '{"busy":true}', new AbortController().signal);
    expect(second).toEqual({ status: 503, retryAfter: '7' });
    expect(received.map((r) => r.body)).toEqual(['{"type":"user.deactivated","ünïcode":true}', '{"busy":true}']);
    expect(received[0]?.method).toBe('POST');
    expect(received[0]?.headers['webhook-id']).toBe('evt_1');
    expect(received[0]?.headers['content-length']).toBe(String(Buffer.byteLength(received[0]?.body ?? '')));
    // Keep-alive: the second POST reused the first one's connection.
    expect(received[1]?.headers.connection).toBe('keep-alive');
    expect(posts.pending()).toBe(0);
  });

  it('an abort reaches the thread: the POST to a receiver that never answers rejects with the reason and its socket is closed', async () => {
    let closed: Promise<unknown> | undefined;
    const { url } = await receiver((req) => {
      closed = once(req.socket, 'close');
    });
    const posts = thread();
    const controller = new AbortController();
    const sent = posts.post(url, {}, 'hello', controller.signal);
    while (closed === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(new Error('no answer within 50 ms'));
    await expect(sent).rejects.toThrow('no answer within 50 ms');
    expect(posts.pending()).toBe(0);
    // The thread destroyed the request's socket: the receiver sees the connection go.
    await closed;
  });

  it('a receiver that drops the connection is a rejected POST, and the next POST still goes out', async () => {
    let drop = true;
    const { url, received } = await receiver((req, res) => {
      if (drop) req.socket.destroy();
      else res.writeHead(200).end('ok');
    });
    const posts = thread();
    await expect(posts.post(url, {}, 'one', new AbortController().signal)).rejects.toThrow(/socket hang up|ECONNRESET/);
    drop = false;
    await expect(posts.post(url, {}, 'two', new AbortController().signal)).resolves.toEqual({ status: 200, retryAfter: undefined });
    expect(received.map((r) => r.body)).toEqual(['one', 'two']);
  });

  it('a refused connection rejects', async () => {
    const { url, server } = await receiver(() => {});
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const posts = thread();
    await expect(posts.post(url, {}, 'x', new AbortController().signal)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('stop with a POST in flight rejects it, ends the thread, and refuses later POSTs', async () => {
    let arrived: () => void = () => {};
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    const { url } = await receiver(() => arrived());
    const posts = createPostThread();
    const sent = posts.post(url, {}, 'in flight', new AbortController().signal);
    await reached;
    const refused = expect(sent).rejects.toThrow('scimgate is stopping');
    await posts.stop();
    await refused;
    expect(posts.pending()).toBe(0);
    await expect(posts.post(url, {}, 'after', new AbortController().signal)).rejects.toThrow('scimgate is stopping');
  });

  it('a thread that fails is reported and its POST rejects; the next POST starts a new thread', async () => {
    const failures: string[] = [];
    const { url, received } = await receiver((req, res) => res.writeHead(204).end());
    const broken = new URL(`data:text/javascript,${encodeURIComponent('throw new Error("the thread broke")')}`);
    const posts = createPostThread({ entry: broken, onFailure: (reason) => failures.push(reason) });
    cleanups.push(() => posts.stop());
    await expect(posts.post(url, {}, 'x', new AbortController().signal)).rejects.toThrow(/webhook sender thread failed \(.*the thread broke/);
    await expect(posts.post(url, {}, 'y', new AbortController().signal)).rejects.toThrow(/webhook sender thread failed/);
    // Two threads started, each reported once; nothing reached the receiver.
    expect(failures).toHaveLength(2);
    expect(received).toHaveLength(0);
    expect(posts.pending()).toBe(0);
  });
});
