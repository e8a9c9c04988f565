/** /Users (RFC 7644 §3.3–3.6): request → directory → response; no SQL and no SCIM rules live here. */
import type { Hono } from 'hono';
import type { UserRecord } from '../directory/index.js';
import type { ScimDeps } from './deps.js';
import { readScimBody } from './http/body.js';
import { ifMatchOf, projectionOf } from './http/request.js';
import { unwrap } from './http/unwrap.js';
import { ok } from './protocol/errors.js';
import { applyPatch, parsePatchRequest } from './protocol/patch/index.js';
import { wantsAttribute } from './protocol/projection.js';
import { normalizeResource } from './protocol/resource/validate.js';
import { userResourceType } from './protocol/schemas/index.js';
import { resourceRoutes } from './resource-routes.js';
import { userView } from './views.js';

export function userRoutes(deps: ScimDeps): Hono {
  const { users, reads } = deps.directory;
  const { app, responder } = resourceRoutes<UserRecord>(deps, {
    resourceType: userResourceType,
    read: deps.directory.read,
    get: users.get,
    list: users.list,
    delete: users.delete,
    render(records, projection, base) {
      const groups = wantsAttribute(projection, 'groups') ? reads.groupsOf(records.map((r) => r.id)) : undefined;
      return records.map((record) => userView(record, groups?.get(record.id), base));
    },
  });

  app.post('/', async (c) => {
    const projection = unwrap(projectionOf(c, userResourceType));
    const doc = unwrap(normalizeResource(unwrap(await readScimBody(c, deps.limits.maxPayloadBytes)), userResourceType, 'create'));
    const record = unwrap(users.create(doc));
    return responder.respond(c, record, 201, projection, { Location: responder.location(c, record) });
  });

  app.put('/:id', async (c) => {
    const projection = unwrap(projectionOf(c, userResourceType));
    const doc = unwrap(normalizeResource(unwrap(await readScimBody(c, deps.limits.maxPayloadBytes)), userResourceType, 'replace'));
    const record = unwrap(users.modify(c.req.param('id'), () => ok(doc), ifMatchOf(c)));
    return responder.respond(c, record, 200, projection);
  });

  app.patch('/:id', async (c) => {
    const projection = unwrap(projectionOf(c, userResourceType));
    const operations = unwrap(parsePatchRequest(unwrap(await readScimBody(c, deps.limits.maxPayloadBytes))));
    const patch = (current: UserRecord['doc']) => {
      const patched = applyPatch(current, operations, userResourceType);
      return patched.ok ? normalizeResource(patched.value, userResourceType, 'replace') : patched;
    };
    const record = unwrap(users.modify(c.req.param('id'), patch, ifMatchOf(c)));
    return responder.respond(c, record, 200, projection);
  });

  return app;
}
