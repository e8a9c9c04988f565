/** /Users (RFC 7644 §3.3–3.6): request → directory → response; no SQL and no SCIM rules live here. */
import type { Hono } from 'hono';
import type { UserGroupRecord, UserRecord } from '../directory/index.js';
import type { ScimDeps } from './deps.js';
import { withScimBody } from './http/body.js';
import { ifMatchOf, projectionOf } from './http/request.js';
import { unwrap } from './http/unwrap.js';
import { ok } from '../shared/result.js';
import { applyPatch, parsePatchRequest } from './protocol/patch/index.js';
import { wantsAttribute } from './protocol/projection.js';
import { normalizeResource } from './protocol/resource/validate.js';
import { userResourceType } from './protocol/schemas/index.js';
import { resourceRoutes } from './resource-routes.js';
import { userView } from './views.js';
import { auditedScimWrite } from './write-audit.js';

export function userRoutes(deps: ScimDeps): Hono {
  const { users, reads } = deps.directory;
  const { app, responder } = resourceRoutes<UserRecord, Map<string, UserGroupRecord[]>>(deps, {
    resourceType: userResourceType,
    read: deps.directory.read,
    get: users.get,
    list: users.list,
    listOffThread: users.listOffThread,
    delete: users.delete,
    needsRelations: (projection) => wantsAttribute(projection, 'groups'),
    render(records, projection, base, read) {
      const groups = wantsAttribute(projection, 'groups') ? (read ?? reads.groupsOf(records.map((r) => r.id))) : undefined;
      return records.map((record) => userView(record, groups?.get(record.id), base));
    },
  });

  // Bodies are handed over synchronously when they have arrived, so writes join their batch's group commit (src/scim/http/body.ts).
  const maxBytes = deps.limits.maxPayloadBytes;

  app.post('/', (c) => {
    const projection = unwrap(projectionOf(c, userResourceType));
    return withScimBody(c, maxBytes, (body) => {
      const doc = unwrap(normalizeResource(body, userResourceType, 'create'));
      const record = unwrap(auditedScimWrite(deps, c, { resourceType: 'User', operation: 'create' }, () => users.create(doc)));
      return responder.respond(c, record, 201, projection, { Location: responder.location(c, record) });
    });
  });

  app.put('/:id', (c) => {
    const projection = unwrap(projectionOf(c, userResourceType));
    return withScimBody(c, maxBytes, (body) => {
      const doc = unwrap(normalizeResource(body, userResourceType, 'replace'));
      const id = c.req.param('id');
      const ifMatch = ifMatchOf(c);
      const record = unwrap(auditedScimWrite(deps, c, { resourceType: 'User', operation: 'replace', id }, () => users.modify(id, () => ok(doc), ifMatch)));
      return responder.respond(c, record, 200, projection);
    });
  });

  app.patch('/:id', (c) => {
    const projection = unwrap(projectionOf(c, userResourceType));
    return withScimBody(c, maxBytes, (body) => {
      const operations = unwrap(parsePatchRequest(body));
      const patch = (current: UserRecord['doc']) => {
        const patched = applyPatch(current, operations, userResourceType);
        return patched.ok ? normalizeResource(patched.value, userResourceType, 'replace') : patched;
      };
      const id = c.req.param('id');
      const ifMatch = ifMatchOf(c);
      const record = unwrap(auditedScimWrite(deps, c, { resourceType: 'User', operation: 'patch', id }, () => users.modify(id, patch, ifMatch)));
      return responder.respond(c, record, 200, projection);
    });
  });

  return app;
}
