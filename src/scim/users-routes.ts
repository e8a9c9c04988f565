/** /Users (RFC 7644 §3.3–3.6): request → directory → response; no SQL and no SCIM rules live here. */
import { Hono, type Context } from 'hono';
import type { UserRecord } from '../directory/index.js';
import type { ScimDeps } from './deps.js';
import { readScimBody } from './http/body.js';
import { ifMatchOf, projectionOf, scimBaseUrl } from './http/request.js';
import { scimJson } from './http/respond.js';
import { unwrap } from './http/unwrap.js';
import { listResources, type ListSource } from './list-resources.js';
import { etagOf, ifNoneMatchHits } from './protocol/etag.js';
import { notFound, ok } from './protocol/errors.js';
import { parseListParams, parseSearchRequest } from './protocol/list.js';
import { applyPatch, parsePatchRequest } from './protocol/patch/index.js';
import { project, wantsAttribute, type ProjectionOptions } from './protocol/projection.js';
import { normalizeResource } from './protocol/resource/validate.js';
import { userResourceType } from './protocol/schemas/index.js';
import { userView } from './views.js';

export function userRoutes(deps: ScimDeps): Hono {
  const { users, reads } = deps.directory;
  const app = new Hono();

  const render = (c: Context, records: UserRecord[], projection: ProjectionOptions) => {
    const base = scimBaseUrl(c, deps.baseUrl);
    const groups = wantsAttribute(projection, 'groups') ? reads.groupsOf(records.map((r) => r.id)) : undefined;
    return records.map((record) => userView(record, groups?.get(record.id), base));
  };

  const respond = (c: Context, record: UserRecord, status: number, projection: ProjectionOptions, headers: Record<string, string> = {}) => {
    const [view] = render(c, [record], projection);
    return scimJson(c, project(view ?? {}, userResourceType, projection), status, { ETag: etagOf(record.version), ...headers });
  };

  const source = (c: Context): ListSource<UserRecord> => ({
    search: (query) => users.list(query),
    render: (items, projection) => render(c, items, projection),
  });

  app.get('/', (c) => {
    const params = unwrap(parseListParams(c.req.query(), deps.limits));
    const projection = unwrap(projectionOf(c, userResourceType, params));
    return scimJson(c, unwrap(listResources(params, projection, userResourceType, source(c))));
  });

  app.post('/.search', async (c) => {
    const params = unwrap(parseSearchRequest(unwrap(await readScimBody(c)), deps.limits));
    const projection = unwrap(projectionOf(c, userResourceType, params));
    return scimJson(c, unwrap(listResources(params, projection, userResourceType, source(c))));
  });

  app.get('/:id', (c) => {
    const projection = unwrap(projectionOf(c, userResourceType));
    const record = users.get(c.req.param('id'));
    if (!record) throw notFound(`User ${c.req.param('id')} not found`);
    const ifNoneMatch = c.req.header('if-none-match');
    if (ifNoneMatch !== undefined && ifNoneMatchHits(ifNoneMatch, record.version)) {
      return c.body(null, 304, { ETag: etagOf(record.version) });
    }
    return respond(c, record, 200, projection);
  });

  app.post('/', async (c) => {
    const projection = unwrap(projectionOf(c, userResourceType));
    const doc = unwrap(normalizeResource(unwrap(await readScimBody(c)), userResourceType, 'create'));
    const record = unwrap(users.create(doc));
    const location = `${scimBaseUrl(c, deps.baseUrl)}/Users/${record.id}`;
    return respond(c, record, 201, projection, { Location: location });
  });

  app.put('/:id', async (c) => {
    const projection = unwrap(projectionOf(c, userResourceType));
    const doc = unwrap(normalizeResource(unwrap(await readScimBody(c)), userResourceType, 'replace'));
    const record = unwrap(users.modify(c.req.param('id'), () => ok(doc), ifMatchOf(c)));
    return respond(c, record, 200, projection);
  });

  app.patch('/:id', async (c) => {
    const projection = unwrap(projectionOf(c, userResourceType));
    const operations = unwrap(parsePatchRequest(unwrap(await readScimBody(c))));
    const record = unwrap(
      users.modify(
        c.req.param('id'),
        (current) => {
          const patched = applyPatch(current, operations, userResourceType);
          return patched.ok ? normalizeResource(patched.value, userResourceType, 'replace') : patched;
        },
        ifMatchOf(c),
      ),
    );
    return respond(c, record, 200, projection);
  });

  app.delete('/:id', (c) => {
    unwrap(users.delete(c.req.param('id'), ifMatchOf(c)));
    return c.body(null, 204);
  });

  return app;
}
