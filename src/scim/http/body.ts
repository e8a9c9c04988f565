/**
 * Reading SCIM request bodies: JSON under application/scim+json or application/json
 * (plain JSON is what many clients send), at most `maxBytes` — refused by its Content-Length
 * before reading, or while reading a body that did not say (chunked). Anything else is refused
 * with a SCIM error.
 *
 * A body node has already read whole — small bodies arrive with their headers — is handed over
 * at once, in the same synchronous run as the request's start: that keeps a write inside its
 * batch's group commit (src/store/write-group.ts). Other bodies are awaited.
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { noteBodyAwaited } from '../../http/answer-after-commit.js';
import { requestHeader } from '../../http/request-header.js';
import { ScimError, scimError, type ScimResult } from '../protocol/errors.js';
import { fail, ok } from '../../shared/result.js';
import { unwrap } from './unwrap.js';

const JSON_TYPES = new Set(['application/scim+json', 'application/json']);

/** Calls `use` with the request's JSON body: synchronously when it has already arrived. A refused body throws its ScimError. */
export function withScimBody<T>(c: Context, maxBytes: number, use: (body: unknown) => T): T | Promise<T> {
  const body = readScimBody(c, maxBytes);
  if (!(body instanceof Promise)) return use(unwrap(body));
  // What follows runs after this batch's group of writes, if any, has ended: the answer need not wait for it.
  noteBodyAwaited(c.req.raw);
  return body.then((result) => use(unwrap(result)));
}

function readScimBody(c: Context, maxBytes: number): ScimResult<unknown> | Promise<ScimResult<unknown>> {
  const contentType = requestHeader(c, 'content-type');
  if (contentType !== undefined) {
    const essence = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!JSON_TYPES.has(essence)) {
      return fail(new ScimError({ status: 415, detail: `unsupported media type "${essence}"; send application/scim+json` }));
    }
  }
  const declared = requestHeader(c, 'content-length');
  if (declared !== undefined && Number(declared) > maxBytes) return fail(tooLarge(maxBytes));
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming !== undefined && !incoming.readableEnded) {
    const arrived = readArrived(incoming, maxBytes);
    return arrived !== NOT_YET ? parseBody(arrived, maxBytes) : readIncoming(incoming, maxBytes).then((text) => parseBody(text, maxBytes));
  }
  return readText(c.req.raw.body, maxBytes).then((text) => parseBody(text, maxBytes));
}

/** The body's text as JSON; `undefined` text means it grew past the limit. */
function parseBody(text: string | undefined, maxBytes: number): ScimResult<unknown> {
  if (text === undefined) return fail(tooLarge(maxBytes));
  if (text.trim() === '') return fail(scimError('invalidSyntax', 'request body is empty'));
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'malformed JSON';
    return fail(scimError('invalidSyntax', `request body is not valid JSON: ${reason}`));
  }
}

const tooLarge = (maxBytes: number) => new ScimError({ status: 413, detail: `request body exceeds ${maxBytes} bytes` });

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
 * AbortSignal and web stream, made only to be read once, cost ~80 µs of every SCIM write under
 * load (bench/README.md). Undefined as soon as it grows past `maxBytes`: reading stops there, and
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
