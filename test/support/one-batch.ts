/**
 * Raw HTTP/1.1 over sockets, timed so that a batched server (src/http/batched-listener.ts) reads
 * every request in one poll phase: all connections are accepted first, then every request is
 * written in one synchronous run.
 */
import type { Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Only for a connection's last request: this many bytes of its body are sent 50 ms after the rest. */
  lateBytes?: number;
}

/** Sends each connection's requests pipelined, all connections at once; answers per connection, in order. */
export async function sendInOneBatch(server: Server, connections: RawRequest[][]): Promise<RawAnswer[][]> {
  const { port } = server.address() as AddressInfo;
  let accepted = 0;
  const onConnection = () => accepted++;
  server.on('connection', onConnection);
  const sockets = await Promise.all(
    connections.map(() => new Promise<Socket>((resolve, reject) => connect(port, '127.0.0.1').once('connect', function (this: Socket) { resolve(this); }).once('error', reject))),
  );
  // The server accepts lazily: once every socket is its own, their requests can land in one poll phase.
  while (accepted < sockets.length) await new Promise((resolve) => setImmediate(resolve));
  server.off('connection', onConnection);
  const texts = sockets.map(
    (socket) =>
      new Promise<string>((resolve, reject) => {
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk) => (text += chunk));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      }),
  );
  sockets.forEach((socket, i) => {
    const requests = connections[i] ?? [];
    const text = requests.map((request, n) => serialize(request, n === requests.length - 1)).join('');
    const late = requests.at(-1)?.lateBytes ?? 0;
    const bytes = Buffer.from(text);
    socket.write(bytes.subarray(0, bytes.length - late));
    if (late > 0) setTimeout(() => socket.write(bytes.subarray(bytes.length - late)), 50);
  });
  return (await Promise.all(texts)).map(parseAnswers);
}

function serialize(request: RawRequest, last: boolean): string {
  const body = request.body ?? '';
  const headers = { Host: 'scim.test', ...(body ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}), ...(last ? { Connection: 'close' } : {}), ...request.headers };
  return `${request.method} ${request.path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`;
}

/** Splits what a connection received into answers; bodies are delimited by Content-Length (the server always sends one here). */
function parseAnswers(text: string): RawAnswer[] {
  const answers: RawAnswer[] = [];
  let rest = text;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n');
    const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    const length = Number(headers['content-length'] ?? 0);
    const bodyStart = end + 4;
    const bodyBytes = Buffer.from(rest.slice(bodyStart));
    const body = bodyBytes.subarray(0, length).toString('utf8');
    answers.push({ status: Number(statusLine.split(' ')[1]), headers, body });
    rest = bodyBytes.subarray(length).toString('utf8');
  }
  return answers;
}
