/**
 * /Groups (RFC 7644 §3.3–3.6). Members are rows, not part of the document: reads load them
 * only when the response includes them, and PATCH turns member operations into row edits so
 * a 100k-member group is never read whole to change it.
 */
import { Hono, type Context } from 'hono';
import type { GroupRecord } from '../directory/index.js';
import type { ScimDeps } from './deps.js';
import { readScimBody } from './http/body.js';
import { ifMatchOf, projectionOf, scimBaseUrl } from './http/request.js';
import { scimJson } from './http/respond.js';
import { unwrap } from './http/unwrap.js';
import { listResources, type ListSource } from './list-resources.js';
import { etagOf, ifNoneMatchHits } from './protocol/etag.js';
import { notFound, ok } from './protocol/errors.js';
import { parseListParams, parseSearchRequest } from './protocol/list.js';
import { applyPatch, parsePatchRequest, splitGroupPatch } from './protocol/patch/index.js';
import { project, wantsAttribute, type ProjectionOptions } from './protocol/projection.js';
import { normalizeGroup } from './protocol/resource/validate.js';
import { groupResourceType } from './protocol/schemas/index.js';
import { groupView } from './views.js';

export function groupRoutes(deps: ScimDeps): Hono {
  const { groups, reads } = deps.directory;
  const app = new Hono();

  const render = (c: Context, records: GroupRecord[], projection: ProjectionOptions) => {
    const base = scimBaseUrl(c, deps.baseUrl);
    const members = wantsAttribute(projection, 'members') ? reads.membersOf(records.map((r) => r.id)) : undefined;
    return records.map((record) => groupView(record, members?.get(record.id), base));
  };

  const respond = (c: Context, record: GroupRecord, status: number, projection: ProjectionOptions, headers: Record<string, string> = {}) => {
    const [view] = render(c, [record], projection);
    return scimJson(c, project(view ?? {}, groupResourceType, projection), status, { ETag: etagOf(record.version), ...headers });
  };

  const source = (c: Context): ListSource<GroupRecord> => ({
    search: (query) => groups.list(query),
    render: (items, projection) => render(c, items, projection),
  });

  app.get('/', (c) => {
    const params = unwrap(parseListParams(c.req.query(), deps.limits));
    const projection = unwrap(projectionOf(c, groupResourceType, params));
    return scimJson(c, unwrap(listResources(params, projection, groupResourceType, source(c))));
  });

  app.post('/.search', async (c) => {
    const params = unwrap(parseSearchRequest(unwrap(await readScimBody(c)), deps.limits));
    const projection = unwrap(projectionOf(c, groupResourceType, params));
    return scimJson(c, unwrap(listResources(params, projection, groupResourceType, source(c))));
  });

  app.get('/:id', (c) => {
    const projection = unwrap(projectionOf(c, groupResourceType));
    const record = groups.get(c.req.param('id'));
    if (!record) throw notFound(`Group ${c.req.param('id')} not found`);
    const ifNoneMatch = c.req.header('if-none-match');
    if (ifNoneMatch !== undefined && ifNoneMatchHits(ifNoneMatch, record.version)) {
      return c.body(null, 304, { ETag: etagOf(record.version) });
    }
    return respond(c, record, 200, projection);
  });

  app.post('/', async (c) => {
    const projection = unwrap(projectionOf(c, groupResourceType));
    const { doc, members } = unwrap(normalizeGroup(unwrap(await readScimBody(c)), 'create'));
    const record = unwrap(groups.create(doc, members ?? []));
    const location = `${scimBaseUrl(c, deps.baseUrl)}/Groups/${record.id}`;
    return respond(c, record, 201, projection, { Location: location });
  });

  app.put('/:id', async (c) => {
    const projection = unwrap(projectionOf(c, groupResourceType));
    const { doc, members } = unwrap(normalizeGroup(unwrap(await readScimBody(c)), 'replace'));
    // PUT replaces the resource (RFC 7644 §3.5.1): a body without members leaves the group empty.
    const record = unwrap(groups.modify(c.req.param('id'), () => ok(doc), [{ kind: 'replace', members: members ?? [] }], ifMatchOf(c)));
    return respond(c, record, 200, projection);
  });

  app.patch('/:id', async (c) => {
    const operations = unwrap(parsePatchRequest(unwrap(await readScimBody(c))));
    const plan = unwrap(splitGroupPatch(operations));
    const change =
      plan.docOps.length === 0
        ? undefined
        : (current: GroupRecord['doc']) => {
            const patched = applyPatch(current, plan.docOps, groupResourceType);
            if (!patched.ok) return patched;
            const normalized = normalizeGroup(patched.value, 'replace');
            return normalized.ok ? ok(normalized.value.doc) : normalized;
          };
    const record = unwrap(groups.modify(c.req.param('id'), change, plan.memberChanges, ifMatchOf(c)));
    // RFC 7644 §3.5.2 allows 204; answering with the body would mean reading every member back.
    const wantsBody = c.req.query('attributes') !== undefined || c.req.query('excludedAttributes') !== undefined;
    if (!wantsBody) return c.body(null, 204, { ETag: etagOf(record.version) });
    return respond(c, record, 200, unwrap(projectionOf(c, groupResourceType)));
  });

  app.delete('/:id', (c) => {
    unwrap(groups.delete(c.req.param('id'), ifMatchOf(c)));
    return c.body(null, 204);
  });

  return app;
}
