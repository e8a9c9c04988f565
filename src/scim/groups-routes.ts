/**
 * /Groups (RFC 7644 §3.3–3.6). Members are rows, not part of the document: reads load them
 * only when the response includes them, and PATCH turns member operations into row edits so
 * a 100k-member group is never read whole to change it.
 */
import type { Hono } from 'hono';
import type { GroupRecord, MemberRecord } from '../directory/index.js';
import type { ScimDeps } from './deps.js';
import { withScimBody } from './http/body.js';
import { ifMatchOf, projectionOf } from './http/request.js';
import { unwrap } from './http/unwrap.js';
import { etagOf } from '../shared/etag.js';
import { ok } from '../shared/result.js';
import { applyPatch, parsePatchRequest, splitGroupPatch } from './protocol/patch/index.js';
import { wantsAttribute } from './protocol/projection.js';
import { normalizeGroup } from './protocol/resource/validate.js';
import { groupResourceType } from './protocol/schemas/index.js';
import { resourceRoutes } from './resource-routes.js';
import { groupView } from './views.js';
import { auditedScimWrite } from './write-audit.js';

export function groupRoutes(deps: ScimDeps): Hono {
  const { groups, reads } = deps.directory;
  const { app, responder } = resourceRoutes<GroupRecord, Map<string, MemberRecord[]>>(deps, {
    resourceType: groupResourceType,
    read: deps.directory.read,
    get: groups.get,
    list: groups.list,
    listOffThread: groups.listOffThread,
    delete: groups.delete,
    needsRelations: (projection) => wantsAttribute(projection, 'members'),
    render(records, projection, base, read) {
      const members = wantsAttribute(projection, 'members') ? (read ?? reads.membersOf(records.map((r) => r.id))) : undefined;
      return records.map((record) => groupView(record, members?.get(record.id), base));
    },
  });

  // Bodies are handed over synchronously when they have arrived, so writes join their batch's group commit (src/scim/http/body.ts).
  const maxBytes = deps.limits.maxPayloadBytes;

  app.post('/', (c) => {
    const projection = unwrap(projectionOf(c, groupResourceType));
    return withScimBody(c, maxBytes, (body) => {
      const { doc, members } = unwrap(normalizeGroup(body, 'create'));
      const record = unwrap(auditedScimWrite(deps, c, { resourceType: 'Group', operation: 'create' }, () => groups.create(doc, members ?? [])));
      return responder.respond(c, record, 201, projection, { Location: responder.location(c, record) });
    });
  });

  app.put('/:id', (c) => {
    const projection = unwrap(projectionOf(c, groupResourceType));
    return withScimBody(c, maxBytes, (body) => {
      const { doc, members } = unwrap(normalizeGroup(body, 'replace'));
      // PUT replaces the resource (RFC 7644 §3.5.1): a body without members leaves the group empty.
      const id = c.req.param('id');
      const ifMatch = ifMatchOf(c);
      const record = unwrap(
        auditedScimWrite(deps, c, { resourceType: 'Group', operation: 'replace', id }, () => groups.modify(id, () => ok(doc), [{ kind: 'replace', members: members ?? [] }], ifMatch)),
      );
      return responder.respond(c, record, 200, projection);
    });
  });

  app.patch('/:id', (c) => {
    // RFC 7644 §3.5.2 allows 204; answering with the body would mean reading every member back.
    const wantsBody = c.req.query('attributes') !== undefined || c.req.query('excludedAttributes') !== undefined;
    // Checked before the write: a bad projection must not answer 400 for a change that was stored.
    const projection = wantsBody ? unwrap(projectionOf(c, groupResourceType)) : undefined;
    return withScimBody(c, maxBytes, (body) => {
      const operations = unwrap(parsePatchRequest(body));
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
      const id = c.req.param('id');
      const ifMatch = ifMatchOf(c);
      const record = unwrap(auditedScimWrite(deps, c, { resourceType: 'Group', operation: 'patch', id }, () => groups.modify(id, change, plan.memberChanges, ifMatch)));
      if (projection === undefined) return c.body(null, 204, { ETag: etagOf(record.version) });
      return responder.respond(c, record, 200, projection);
    });
  });

  return app;
}
