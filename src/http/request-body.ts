/**
 * Reading a request's body: the one way handlers get at it. A body node has already read whole —
 * small bodies arrive with their headers — is handed over at once, in the same synchronous run as
 * the request's start: that keeps a write inside its batch's group commit
 * (src/store/write-group.ts). Any other body is awaited, and this module says so to the answer's
 * hold (src/http/answer-after-commit.ts): what the handler does next runs after the batch's group
 * has ended, its write commits on its own, and its answer must not take the group's fate. Because
 * every body is read here, no handler has to remember that.
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { noteBodyAwaited } from './answer-after-commit.js';
import { nodeRequest } from './node-request.js';

/**
 * The request's body as UTF-8 text: synchronously when it has already arrived, else a promise.
 * Undefined as soon as it grows past `maxBytes` (the rest is not read).
 */
export function requestBodyText(c: Context, maxBytes: number): string | undefined | Promise<string | undefined> {
  const incoming = nodeRequest(c);
  if (incoming !== undefined && !incoming.readableEnded) {
    const arrived = readArrived(incoming, maxBytes);
    if (arrived !== NOT_YET) return arrived;
    noteBodyAwaited(c.req.raw);
    return readIncoming(incoming, maxBytes);
  }
  noteBodyAwaited(c.req.raw);
  return readText(c.req.raw.body, maxBytes);
}

const NOT_YET = Symbol('not yet arrived');

/**
 * The whole body, if node's parser has seen its end and nobody has started reading it: it then
 * sits in the request's buffer, and read() hands it over synchronously. Undefined past `maxBytes`.
 */
function readArrived(incoming: IncomingMessage, maxBytes: number): string | undefined | typeof NOT_YET {
  if (!incoming.complete || incoming.readableFlowing === true || incoming.readableDidRead) return NOT_YET;
  if (incoming.readableLength > maxBytes) return undefined;
  const chunks: Buffer[] = [];
  for (let chunk = incoming.read() as Buffer | null; chunk !== null; chunk = incoming.read() as Buffer | null) chunks.push(chunk);
  return utf8(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
}

/**
 * The body straight from node's request stream, when served by node: a fetch `Request` with its
 * AbortSignal and web stream, made only to be read once, was a large share of every SCIM write
 * under load (bench/README.md). Undefined as soon as it grows past `maxBytes`: reading stops there, and
 * the adapter drains or closes what is left once the 413 is sent.
 */
function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        stop();
        incoming.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(utf8(Buffer.concat(chunks, size)));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
  });
}

/** TextDecoder drops a leading byte-order mark, as Request.text() does; JSON.parse would refuse it. */
function utf8(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** The body as UTF-8 text, or undefined as soon as it grows past `maxBytes` (the rest is not read). */
async function readText(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<string | undefined> {
  if (body === null) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return utf8(Buffer.concat(chunks));
}
