/**
 * The two sides of "every route is documented, and nothing else is": the (method, path) pairs a
 * built hono app serves, read from the app itself so a newly mounted router is seen without
 * anyone listing it, and the operations openapi.yaml declares.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Env, Hono } from 'hono';
import { inspectRoutes } from 'hono/dev';
import { parse } from 'yaml';

export const OPENAPI_PATH = fileURLToPath(new URL('../../openapi.yaml', import.meta.url));

/** The methods an OpenAPI path item can hold (OpenAPI 3.1 §4.8.9). */
const OPENAPI_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export function loadOpenApi(): OpenApiDocument {
  return parse(readFileSync(OPENAPI_PATH, 'utf8')) as OpenApiDocument;
}

/** `GET /scim/v2/Users/{id}` — one spelling for both sides, so a difference reads as one line. */
export const operationKey = (method: string, path: string): string => `${method.toUpperCase()} ${path}`;

/** hono `:id`, `:id?` and `:id{[0-9]+}` → OpenAPI `{id}`. */
export function toOpenApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, '{$1}');
}

/**
 * Every (method, path) the app answers with a handler, sub-apps included (`app.route` copies
 * their routes into the parent). Middleware is left out: hono registers `app.use` as method ALL,
 * and a function that takes `next` is middleware. A real `app.all(...)` handler stays in as
 * `ALL …`, which no OpenAPI operation matches — documenting it needs a decision, not silence.
 */
export function servedOperations<E extends Env>(app: Hono<E>): Set<string> {
  const served = new Set<string>();
  for (const route of inspectRoutes(app)) {
    if (route.isMiddleware) continue;
    served.add(operationKey(route.method, toOpenApiPath(route.path)));
  }
  return served;
}

export function documentedOperations(doc: OpenApiDocument): Set<string> {
  const documented = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of OPENAPI_METHODS) {
      if (item[method] !== undefined) documented.add(operationKey(method, path));
    }
  }
  return documented;
}
