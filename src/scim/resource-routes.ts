/**
 * What /Users and /Groups share (RFC 7644 §3.4–3.6): list and search, read with ETags and
 * projection, delete. Each resource type supplies how it stores, reads and renders records;
 * create, replace and PATCH stay with the type, because that is where Users and Groups differ.
 */
import { Hono, type Context } from 'hono';
import type { DirectoryResult, OffThreadPage, Page, SearchQuery } from '../directory/index.js';
import { requestHeader } from '../http/request-header.js';
import { clientGone } from '../http/node-request.js';
import type { ScimDeps } from './deps.js';
import { withScimBody } from './http/body.js';
import { ifMatchOf, projectionOf, scimBaseUrl } from './http/request.js';
import { listAnswerText, type CachedRead, type ListAnswer } from './http/read-cache.js';
import { scimJson, scimText } from './http/respond.js';
import { unwrap } from './http/unwrap.js';
import { finishList, planList } from './list-resources.js';
import { etagOf, ifNoneMatchHits } from '../shared/etag.js';
import { notFound, type ScimResult } from './protocol/errors.js';
import type { JsonObject } from './protocol/json.js';
import { parseListParams, parseSearchRequest } from './protocol/list.js';
import { project, type ProjectionOptions } from './protocol/projection.js';
import type { ResourceTypeDef } from './protocol/schemas/index.js';
import { auditedScimWrite } from './write-audit.js';

export interface VersionedRecord {
  id: string;
  version: number;
}

export interface ResourceKind<R extends VersionedRecord, X = unknown> {
  resourceType: ResourceTypeDef;
  /** Runs a request's reads as one snapshot (Directory.read). */
  read<T>(reads: () => T): T;
  get(id: string): R | undefined;
  list(query: SearchQuery): DirectoryResult<Page<R>>;
  /**
   * The same search on the search thread, with the page's relationships read in its snapshot;
   * undefined when it runs here (an indexed lookup, or no search thread: directory/sqlite/search-cost.ts).
   */
  listOffThread(query: SearchQuery, withRelations: boolean, abandoned?: () => AbortSignal | undefined): Promise<DirectoryResult<OffThreadPage<R, X>>> | undefined;
  delete(id: string, ifMatch: string | undefined): DirectoryResult<void>;
  /** Whether rendering with this projection reads relationships (a user's groups, a group's members). */
  needsRelations(projection: ProjectionOptions): boolean;
  /** Render a page at once, so relationship rows are read in one batch — or taken from `relations`, read with the page. */
  render(records: R[], projection: ProjectionOptions, base: string, relations?: X): JsonObject[];
}

export interface ResourceResponder<R extends VersionedRecord> {
  /** One record as a response: rendered, projected, with its ETag. */
  respond(c: Context, record: R, status: number, projection: ProjectionOptions, headers?: Record<string, string>): Response;
  location(c: Context, record: R): string;
}

let unshared = 0;

/** A `cursor` query parameter, in any case (a URL's parameter names never hold a raw `?`, `&` or `=`). */
const CURSOR_PARAMETER = /[?&]cursor(?:[=&]|$)/i;

/** Mounts list, search, get and delete for one resource type; returns the app and a responder for the rest. */
export function resourceRoutes<R extends VersionedRecord, X>(deps: ScimDeps, kind: ResourceKind<R, X>): { app: Hono; responder: ResourceResponder<R> } {
  const { resourceType } = kind;
  const app = new Hono();
  for (const middleware of deps.middleware ?? []) app.use(middleware);
  const base = (c: Context) => scimBaseUrl(c, deps.baseUrl);

  const view = (c: Context, record: R, projection: ProjectionOptions): JsonObject => {
    const [rendered] = kind.render([record], projection, base(c));
    return project(rendered ?? {}, resourceType, projection);
  };

  const responder: ResourceResponder<R> = {
    respond(c, record, status, projection, headers = {}) {
      return scimJson(c, view(c, record, projection), status, { ETag: etagOf(record.version), ...headers });
    },
    location: (c, record) => `${base(c)}${resourceType.endpoint}/${record.id}`,
  };

  /**
   * A GET answer read from the database leaves after the rest of its batch has run: handed to node
   * as a settled promise, it is written in the microtask drain after the batch, not between other
   * requests' database reads — interleaved, the socket writes cost measurably more CPU per
   * uncached GET (bench/README.md). Remembered answers leave at once. Only when, never whether: the batch
   * holds GETs back while a group of writes is open, and an answer computed inside one would wait
   * for its commit all the same (src/http/answer-after-commit.ts).
   */
  const leave = (response: Response, computed: boolean): Response | Promise<Response> => (computed ? Promise.resolve(response) : response);

  /** GETs answer from the read cache when there is one: same URL, unchanged directory, same bytes. */
  const cached = <T extends CachedRead | undefined>(c: Context, compute: () => T): T =>
    deps.readCache ? deps.readCache.read(c.req.url, compute) : compute();

  /** A list answer in parts: the envelope, then each resource on its own (src/scim/http/read-cache.ts keeps them apart). */
  const listAnswer = (c: Context, params: ReturnType<typeof parseListParams>): ListAnswer | Promise<ListAnswer> => {
    const parsed = unwrap(params);
    const projection = unwrap(projectionOf(c, resourceType, parsed));
    const baseUrl = base(c);
    const plan = unwrap(planList(parsed, resourceType, deps.cursors));
    const answer = (page: Page<R>, relations?: X): ListAnswer => {
      const rendered = kind.render(page.items, projection, baseUrl, relations);
      const { Resources, ...envelope } = finishList(plan, page, rendered, projection, resourceType, deps.cursors);
      // `Resources` is the envelope's last member: its JSON ends in `[]}`, which the resources go inside.
      const empty = JSON.stringify({ ...envelope, Resources: [] });
      // Everything a resource's rendering depends on besides the directory, as an unambiguous key (values may hold any character).
      const renderingOf = (id: string) => JSON.stringify([resourceType.name, baseUrl, parsed.attributes ?? null, parsed.excludedAttributes ?? null, id]);
      // `id` is always returned (RFC 7643 §3.1); were it ever missing, a key of its own keeps the resource unshared.
      const items = Resources.map((resource) => ({ key: typeof resource.id === 'string' ? renderingOf(resource.id) : `unshared ${++unshared}`, body: JSON.stringify(resource) }));
      return { head: empty.slice(0, -2), items, tail: ']}' };
    };
    const away = kind.listOffThread(plan.query, kind.needsRelations(projection), () => clientGone(c));
    if (away) return away.then((result) => {
      const { page, relations } = unwrap(result);
      return answer(page, relations);
    });
    return kind.read(() => answer(unwrap(kind.list(plan.query))));
  };

  /** A list answer's text, remembered or not; a promise when it was read on the search thread. */
  const listText = (answer: ListAnswer | Promise<ListAnswer>): string | Promise<string> =>
    answer instanceof Promise ? answer.then(listAnswerText) : listAnswerText(answer);

  app.get('/', (c): Response | Promise<Response> => {
    let computed = false;
    const compute = () => {
      computed = true;
      return listAnswer(c, parseListParams(c.req.query(), deps.limits));
    };
    // A cursor page is never remembered: its nextCursor must be issued now, to last its full cursorTimeout.
    const remembered = deps.readCache && !CURSOR_PARAMETER.test(c.req.url) ? deps.readCache : undefined;
    const text = remembered ? remembered.readList(c.req.url, compute) : listText(compute());
    return text instanceof Promise ? text.then((t) => scimText(c, t)) : leave(scimText(c, text), computed);
  });
  app.post('/.search', (c): Response | Promise<Response> => {
    const answered = withScimBody(c, deps.limits.maxPayloadBytes, (body): Response | Promise<Response> => {
      const text = listText(listAnswer(c, parseSearchRequest(body, deps.limits)));
      return text instanceof Promise ? text.then((t) => scimText(c, t)) : scimText(c, text);
    });
    // A body that had to be waited for gives a promise of (a response or a promise of one): one promise is enough.
    return answered instanceof Promise ? answered.then((r) => r) : answered;
  });

  app.get('/:id', (c) => {
    let computed = false;
    const answer = cached(c, () => {
      computed = true;
      const projection = unwrap(projectionOf(c, resourceType));
      return kind.read(() => {
        const record = kind.get(c.req.param('id'));
        return record ? { body: JSON.stringify(view(c, record, projection)), version: record.version } : undefined;
      });
    });
    if (!answer || answer.version === undefined) throw notFound(`${resourceType.name} ${c.req.param('id')} not found`);
    const etag = etagOf(answer.version);
    const ifNoneMatch = requestHeader(c, 'if-none-match');
    if (ifNoneMatch !== undefined && ifNoneMatchHits(ifNoneMatch, answer.version)) return leave(c.body(null, 304, { ETag: etag }), computed);
    return leave(scimText(c, answer.body, 200, { ETag: etag }), computed);
  });

  app.delete('/:id', (c) => {
    const id = c.req.param('id');
    const ifMatch = ifMatchOf(c);
    unwrap(auditedScimWrite(deps, c, { resourceType: resourceType.name === 'Group' ? 'Group' : 'User', operation: 'delete', id }, () => kind.delete(id, ifMatch)));
    return c.body(null, 204);
  });

  return { app, responder };
}
