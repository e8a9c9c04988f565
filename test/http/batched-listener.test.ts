// Requests read in one poll phase are handled together in the check phase that follows, in the
// order they were read; a connection's answers still leave in request order, and one handler's
// failure neither stops the batch nor goes unanswered.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { batchPerLoopTurn } from '../../src/http/batched-listener.js';
import { silentLogger } from '../../src/http/logger.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

async function serve(handle: (incoming: IncomingMessage, outgoing: ServerResponse) => void): Promise<number> {
  server = createServer(batchPerLoopTurn(handle, silentLogger()));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Writes all requests at once on one connection and collects everything the server sends until it closes. */
function pipelined(port: number, paths: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      const requests = paths.map((path, i) => `GET ${path} HTTP/1.1\r\nHost: t\r\n${i === paths.length - 1 ? 'Connection: close\r\n' : ''}\r\n`);
      socket.write(requests.join(''));
    });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (text += chunk));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('batchPerLoopTurn', () => {
  it('handles the requests of several connections read in one poll phase in one synchronous run', async () => {
    let runs = 0;
    let inRun = false;
    const port = await serve((incoming, outgoing) => {
      if (!inRun) {
        inRun = true;
        runs++;
        queueMicrotask(() => (inRun = false));
      }
      outgoing.end(`answer ${incoming.url}`);
    });
    let accepted = 0;
    server?.on('connection', () => accepted++);
    const sockets = await Promise.all(
      Array.from({ length: 5 }, () => new Promise<Socket>((resolve) => { const s = connect(port, '127.0.0.1', () => resolve(s)); })),
    );
    // The server accepts lazily: once all five are its sockets, their requests can land in one poll phase.
    while (accepted < sockets.length) await new Promise((resolve) => setImmediate(resolve));
    const answers = sockets.map(
      (socket) =>
        new Promise<string>((resolve) => {
          let text = '';
          socket.setEncoding('utf8');
          socket.on('data', (chunk) => (text += chunk));
          socket.on('end', () => resolve(text));
        }),
    );
    // All five requests reach the kernel in this one synchronous run; the server reads them in its next poll phase.
    sockets.forEach((socket, n) => socket.write(`GET /${n} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`));
    const texts = await Promise.all(answers);
    texts.forEach((text, n) => expect(text).toContain(`answer /${n}`));
    // Unbatched, each connection's read callback would be a run of its own.
    expect(runs).toBe(1);
  });

  it('answers pipelined requests in request order, and a throwing handler neither stops the batch nor goes unanswered', async () => {
    // One synchronous run = one batch: count runs the way src/store/commit-watch.ts does.
    let runs = 0;
    let inRun = false;
    const seen: [string, number][] = [];
    const port = await serve((incoming, outgoing) => {
      if (!inRun) {
        inRun = true;
        runs++;
        queueMicrotask(() => (inRun = false));
      }
      seen.push([incoming.url ?? '', runs]);
      if (incoming.url === '/throw') throw new Error('boom');
      if (incoming.url === '/slow') setTimeout(() => outgoing.end('slow'), 20);
      else outgoing.end(`fast ${incoming.url}`);
    });
    const text = await pipelined(port, ['/a', '/slow', '/throw', '/b', '/c']);
    const bodies = text.split(/HTTP\/1\.1 /).slice(1).map((answer) => [answer.slice(0, 3), answer.slice(answer.indexOf('\r\n\r\n') + 4)]);
    expect(bodies).toEqual([
      ['200', 'fast /a'],
      ['200', 'slow'],
      ['500', '{"error":"server_error","error_description":"internal server error"}'],
      ['200', 'fast /b'],
      ['200', 'fast /c'],
    ]);
    expect(seen.map(([path]) => path)).toEqual(['/a', '/slow', '/throw', '/b', '/c']);
    expect(new Set(seen.map(([, run]) => run)).size).toBe(1);
  });

  it('a handler whose writeHead threw is answered 500 with its own reason phrase', async () => {
    const port = await serve((_incoming, outgoing) => {
      outgoing.writeHead(302, { Location: 'bad\nvalue' });
    });
    const text = await pipelined(port, ['/x']);
    expect(text.split('\r\n')[0]).toBe('HTTP/1.1 500 Internal Server Error');
  });

  it('handles a full batch at once, in read order, instead of piling requests up', () => {
    const handled: number[] = [];
    const listener = batchPerLoopTurn((incoming) => void handled.push(Number(incoming.url)), silentLogger());
    const fake = (n: number) => [{ url: String(n), socket: { destroyed: false } }, {}] as unknown as [IncomingMessage, ServerResponse];
    for (let n = 0; n < 600; n++) listener(...fake(n));
    expect(handled).toEqual(Array.from({ length: 512 }, (_, n) => n));
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        expect(handled).toEqual(Array.from({ length: 600 }, (_, n) => n));
        resolve();
      }),
    );
  });

  it('requests marked first (forward auth) are handled before the rest of their batch, each connection keeping its order', async () => {
    const handled: string[] = [];
    const listener = batchPerLoopTurn((incoming) => void handled.push(String(incoming.url)), silentLogger(), undefined, (incoming) => String(incoming.url).startsWith('/auth'));
    const connections = { a: { destroyed: false }, b: { destroyed: false }, c: { destroyed: false } };
    const fake = (url: string, socket: object) => [{ url, socket }, {}] as unknown as [IncomingMessage, ServerResponse];
    // A flood of SCIM work on a, decisions on b; c sends SCIM work and then a decision, which must not overtake it.
    listener(...fake('/scim-1', connections.a));
    listener(...fake('/scim-2', connections.a));
    listener(...fake('/auth-1', connections.b));
    listener(...fake('/scim-3', connections.c));
    listener(...fake('/auth-2', connections.c));
    listener(...fake('/auth-3', connections.b));
    await new Promise((resolve) => setImmediate(resolve));
    expect(handled).toEqual(['/auth-1', '/auth-3', '/scim-1', '/scim-2', '/scim-3', '/auth-2']);
  });
});
