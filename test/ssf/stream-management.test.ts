// SSF 1.0 §7 and §8 through the real server: discovery, the stream management API behind the
// receivers' own bearer tokens, and clear 4xx refusals that leave every table as it was.
import { describe, expect, it } from 'vitest';
import { CAEP_SESSION_REVOKED, EVENTS_SUPPORTED, RISC_ACCOUNT_DISABLED, RISC_ACCOUNT_ENABLED, SSF_VERIFICATION } from '../../src/ssf/events.js';
import { hookEvent, startPushReceiver, startSsfHarness, verifySet, type Harness } from './ssf-harness.js';

const PUSH = 'urn:ietf:rfc:8935';
const POLL = 'urn:ietf:rfc:8936';

async function create(h: Harness, body: unknown = { events_requested: [RISC_ACCOUNT_DISABLED] }) {
  const created = await h.call('POST', '/ssf/stream', { body });
  expect(created.status).toBe(201);
  return created.body;
}

describe('SSF 1.0 §7 Transmitter Configuration Metadata', () => {
  it('is public JSON naming every endpoint, both delivery methods and the authorization scheme', async () => {
    const h = await startSsfHarness();
    const { status, body, res } = await h.call('GET', '/.well-known/ssf-configuration', { token: null });
    expect(status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(body).toEqual({
      spec_version: '1_0',
      issuer: h.url,
      jwks_uri: `${h.url}/ssf/jwks.json`,
      delivery_methods_supported: [PUSH, POLL],
      configuration_endpoint: `${h.url}/ssf/stream`,
      status_endpoint: `${h.url}/ssf/status`,
      add_subject_endpoint: `${h.url}/ssf/subjects/add`,
      remove_subject_endpoint: `${h.url}/ssf/subjects/remove`,
      verification_endpoint: `${h.url}/ssf/verify`,
      authorization_schemes: [{ spec_urn: 'urn:ietf:rfc:6750' }],
      default_subjects: 'ALL',
    });
    // Every endpoint it names answers (401 without a token, not 404).
    for (const key of ['configuration_endpoint', 'status_endpoint']) expect((await fetch(body[key])).status).toBe(401);
    expect((await fetch(body.jwks_uri)).status).toBe(200);
  });
});

describe('SSF 1.0 §8 stream management authentication', () => {
  it('no token, a wrong scheme, a SCIM token, an unknown or revoked SSF token: 401 with a Bearer challenge', async () => {
    const h = await startSsfHarness();
    const revoked = h.ssf.tokens.create('gone').token;
    h.ssf.tokens.revoke('gone');
    const none = await h.call('GET', '/ssf/stream', { token: null });
    expect(none.status).toBe(401);
    expect(none.res.headers.get('www-authenticate')).toBe('Bearer realm="scimgate-ssf"');
    expect(none.body).toEqual({ err: 'authentication_required', description: expect.stringContaining('Bearer') });
    const basic = await h.call('GET', '/ssf/stream', { token: null, headers: { authorization: 'Basic eDp5' } });
    expect(basic.status).toBe(401);
    for (const token of [h.scimToken, revoked, 'scimgate_ssf_not-a-token']) {
      const refused = await h.call('GET', '/ssf/stream', { token });
      expect(refused.status).toBe(401);
      expect(refused.body.err).toBe('authentication_failed');
      expect(refused.res.headers.get('www-authenticate')).toBe('Bearer realm="scimgate-ssf", error="invalid_token"');
    }
    for (const [method, path] of [
      ['POST', '/ssf/stream'],
      ['PATCH', '/ssf/stream'],
      ['PUT', '/ssf/stream'],
      ['DELETE', '/ssf/stream?stream_id=x'],
      ['GET', '/ssf/status?stream_id=x'],
      ['POST', '/ssf/status'],
      ['POST', '/ssf/subjects/add'],
      ['POST', '/ssf/subjects/remove'],
      ['POST', '/ssf/verify'],
      ['POST', '/ssf/poll/x'],
    ] as const) {
      expect((await h.call(method, path, { token: h.scimToken, ...(method === 'GET' ? {} : { body: {} }) })).status, `${method} ${path}`).toBe(401);
    }
    expect(h.snapshot()['ssf_streams']).toEqual([]);
  });

  it('SSF tokens do not open SCIM', async () => {
    const h = await startSsfHarness();
    expect((await h.call('GET', '/scim/v2/Users', { token: h.token })).status).toBe(401);
  });

  it('a receiver sees only its own streams: another receiver\'s are not found, never listed', async () => {
    const h = await startSsfHarness();
    const mine = await create(h);
    expect((await h.call('GET', '/ssf/stream', { token: h.tokenB })).body).toEqual([]);
    expect((await h.call('GET', `/ssf/stream?stream_id=${mine.stream_id}`, { token: h.tokenB })).status).toBe(404);
    expect((await h.call('DELETE', `/ssf/stream?stream_id=${mine.stream_id}`, { token: h.tokenB })).status).toBe(404);
    expect((await h.call('POST', '/ssf/status', { token: h.tokenB, body: { stream_id: mine.stream_id, status: 'disabled' } })).status).toBe(404);
    expect((await h.call('GET', `/ssf/status?stream_id=${mine.stream_id}`)).body.status).toBe('enabled');
  });
});

describe('SSF 1.0 §8.1.1 stream configuration', () => {
  it('create (201), read one and all, update (PATCH), replace (PUT), delete (204)', async () => {
    const h = await startSsfHarness();
    const created = await create(h, {
      delivery: { method: PUSH, endpoint_url: 'https://receiver.example/events', authorization_header: 'Bearer r' },
      events_requested: [RISC_ACCOUNT_DISABLED, 'urn:example:other'],
      description: 'receiver A',
    });
    expect(created).toEqual({
      stream_id: expect.stringMatching(/^[A-Za-z0-9._~-]+$/),
      iss: h.url,
      aud: 'receiver-a',
      delivery: { method: PUSH, endpoint_url: 'https://receiver.example/events', authorization_header: 'Bearer r' },
      events_supported: EVENTS_SUPPORTED,
      events_requested: [RISC_ACCOUNT_DISABLED, 'urn:example:other'],
      events_delivered: [RISC_ACCOUNT_DISABLED],
      description: 'receiver A',
    });
    const id = created.stream_id;
    const one = await h.call('GET', `/ssf/stream?stream_id=${id}`);
    expect(one.body).toEqual(created);
    expect(one.res.headers.get('cache-control')).toBe('no-store');
    expect((await h.call('GET', '/ssf/stream')).body).toEqual([created]);

    // PATCH: what is sent changes, what is not stays.
    const patched = await h.call('PATCH', '/ssf/stream', { body: { stream_id: id, events_requested: [CAEP_SESSION_REVOKED], iss: h.url } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ events_delivered: [CAEP_SESSION_REVOKED], description: 'receiver A', delivery: created.delivery });

    // PUT: what is not sent is deleted (no delivery: poll again).
    const replaced = await h.call('PUT', '/ssf/stream', { body: { stream_id: id, events_requested: [RISC_ACCOUNT_ENABLED] } });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({
      stream_id: id,
      iss: h.url,
      aud: 'receiver-a',
      delivery: { method: POLL, endpoint_url: `${h.url}/ssf/poll/${id}` },
      events_supported: EVENTS_SUPPORTED,
      events_requested: [RISC_ACCOUNT_ENABLED],
      events_delivered: [RISC_ACCOUNT_ENABLED],
    });

    const deleted = await h.call('DELETE', `/ssf/stream?stream_id=${id}`);
    expect(deleted.status).toBe(204);
    expect((await h.call('GET', `/ssf/stream?stream_id=${id}`)).status).toBe(404);
    expect((await h.call('GET', '/ssf/stream')).body).toEqual([]);
    expect(h.ssf.source.subscribers()).toEqual([]);
  });

  it('a receiver may hold several streams; each is a subscriber ssf:<id>', async () => {
    const h = await startSsfHarness();
    const a = await create(h);
    const b = await create(h);
    expect(a.stream_id).not.toBe(b.stream_id);
    expect(h.ssf.source.subscribers().map((s) => s.id).sort()).toEqual([`ssf:${a.stream_id}`, `ssf:${b.stream_id}`].sort());
  });

  it('bad input: 4xx with a reason, and nothing stored or changed', async () => {
    const h = await startSsfHarness({ allowInsecurePush: false });
    const existing = await create(h);
    const before = h.snapshot();
    const cases: [string, string, { body?: unknown; raw?: string; headers?: Record<string, string> }, number, string, RegExp][] = [
      ['POST', '/ssf/stream', { raw: '{"delivery":' }, 400, 'invalid_request', /not valid JSON/],
      ['POST', '/ssf/stream', { body: [1] }, 400, 'invalid_request', /JSON object/],
      ['POST', '/ssf/stream', { raw: 'x', headers: { 'content-type': 'text/plain' } }, 415, 'unsupported_media_type', /application\/json/],
      ['POST', '/ssf/stream', { body: { delivery: { method: 'urn:example:carrier-pigeon' } } }, 400, 'unsupported_delivery_method', /urn:ietf:rfc:8935/],
      ['POST', '/ssf/stream', { body: { delivery: { method: PUSH } } }, 400, 'invalid_request', /endpoint_url/],
      ['POST', '/ssf/stream', { body: { delivery: { method: PUSH, endpoint_url: 'http://receiver.example/events' } } }, 400, 'invalid_request', /https/],
      ['POST', '/ssf/stream', { body: { delivery: { method: POLL, endpoint_url: 'https://x.example/' } } }, 400, 'invalid_request', /supplied by the transmitter/],
      ['POST', '/ssf/stream', { body: { stream_id: 'mine' } }, 400, 'invalid_request', /stream_id/],
      ['POST', '/ssf/stream', { body: { events_requested: 'all' } }, 400, 'invalid_request', /events_requested/],
      ['POST', '/ssf/stream', { body: { iss: 'https://evil.example' } }, 400, 'invalid_transmitter_property', /iss/],
      ['POST', '/ssf/stream', { raw: JSON.stringify({ description: 'x'.repeat(70_000) }) }, 413, 'request_too_large', /bytes/],
      ['PATCH', '/ssf/stream', { body: { events_requested: [] } }, 400, 'invalid_request', /stream_id/],
      ['PATCH', '/ssf/stream', { body: { stream_id: 'nope' } }, 404, 'stream_not_found', /nope/],
      ['PATCH', '/ssf/stream', { body: { stream_id: existing.stream_id, aud: 'someone-else', description: 'changed' } }, 400, 'invalid_transmitter_property', /aud/],
      ['PATCH', '/ssf/stream', { body: { stream_id: existing.stream_id, events_delivered: [], description: 'changed' } }, 400, 'invalid_transmitter_property', /events_delivered/],
      ['PUT', '/ssf/stream', { body: { stream_id: existing.stream_id, events_supported: ['x'] } }, 400, 'invalid_transmitter_property', /events_supported/],
      ['DELETE', '/ssf/stream', {}, 400, 'invalid_request', /stream_id/],
      ['POST', '/ssf/status', { body: { stream_id: existing.stream_id, status: 'off' } }, 400, 'invalid_request', /enabled/],
      ['POST', '/ssf/status', { body: { status: 'paused' } }, 400, 'invalid_request', /stream_id/],
      ['GET', '/ssf/status?stream_id=nope', {}, 404, 'stream_not_found', /nope/],
      ['POST', '/ssf/subjects/add', { body: { stream_id: existing.stream_id, subject: { format: 'phone_number', phone_number: '+1' } } }, 400, 'invalid_subject', /phone_number/],
      ['POST', '/ssf/subjects/add', { body: { stream_id: existing.stream_id, subject: { format: 'email' } } }, 400, 'invalid_subject', /email/],
      ['POST', '/ssf/subjects/add', { body: { stream_id: existing.stream_id, subject: { format: 'complex' } } }, 400, 'invalid_subject', /member/],
      ['POST', '/ssf/subjects/add', { body: { stream_id: existing.stream_id, subject: { format: 'email', email: 'a@b' }, verified: 'yes' } }, 400, 'invalid_request', /verified/],
      ['POST', '/ssf/subjects/remove', { body: { stream_id: 'nope', subject: { format: 'email', email: 'a@b' } } }, 404, 'stream_not_found', /nope/],
      ['POST', '/ssf/verify', { body: { stream_id: existing.stream_id, state: 7 } }, 400, 'invalid_request', /state/],
      ['POST', '/ssf/verify', { body: {} }, 400, 'invalid_request', /stream_id/],
    ];
    for (const [method, path, options, status, err, description] of cases) {
      const answer = await h.call(method, path, options);
      const label = `${method} ${path} ${JSON.stringify(options.body ?? options.raw)?.slice(0, 80)}`;
      expect(answer.status, label).toBe(status);
      expect(answer.body, label).toEqual({ err, description: expect.stringMatching(description) });
    }
    expect(h.snapshot()).toEqual(before);
  });
});

describe('audit log', () => {
  it('stream create, update, status change and delete are recorded with the receiver, in their own writes', async () => {
    const h = await startSsfHarness();
    const { stream_id } = await create(h);
    await h.call('PATCH', '/ssf/stream', { body: { stream_id, description: 'x' } });
    await h.call('POST', '/ssf/status', { body: { stream_id, status: 'paused' } });
    await h.call('DELETE', `/ssf/stream?stream_id=${stream_id}`);
    const rows = h.store.sqlite.prepare('SELECT type, actor, data FROM audit_log ORDER BY seq').all() as { type: string; actor: string; data: string }[];
    expect(rows.map((r) => [r.type, r.actor, JSON.parse(r.data).stream_id])).toEqual([
      ['ssf.stream_created', 'ssf:receiver-a', stream_id],
      ['ssf.stream_updated', 'ssf:receiver-a', stream_id],
      ['ssf.stream_updated', 'ssf:receiver-a', stream_id],
      ['ssf.stream_deleted', 'ssf:receiver-a', stream_id],
    ]);
    expect(JSON.parse(rows[2]?.data ?? '{}')).toEqual({ stream_id, status: 'paused' });
  });
});

describe('SSF 1.0 §8.1.2 stream status', () => {
  it('reads and updates enabled / paused / disabled with a reason', async () => {
    const h = await startSsfHarness();
    const { stream_id } = await create(h);
    expect((await h.call('GET', `/ssf/status?stream_id=${stream_id}`)).body).toEqual({ stream_id, status: 'enabled' });
    const paused = await h.call('POST', '/ssf/status', { body: { stream_id, status: 'paused', reason: 'maintenance' } });
    expect(paused.status).toBe(200);
    expect(paused.body).toEqual({ stream_id, status: 'paused', reason: 'maintenance' });
    expect((await h.call('GET', `/ssf/status?stream_id=${stream_id}`)).body).toEqual({ stream_id, status: 'paused', reason: 'maintenance' });
  });
});

describe('SSF 1.0 §8.1.3 subjects', () => {
  it('default_subjects ALL: every subject until the receiver removes one; adding it back restores it', async () => {
    const h = await startSsfHarness();
    const { stream_id } = await create(h, { events_requested: [RISC_ACCOUNT_ENABLED] });
    const alice = hookEvent({ type: 'user.reactivated' });
    const bob = hookEvent({ type: 'user.reactivated', user: { id: 'u-2', userName: 'bob', email: 'Bob@Example.com' } });
    const accepted = () => h.ssf.source.subscribers()[0]?.accepts.bind(undefined);
    expect([accepted()?.(alice), accepted()?.(bob)]).toEqual([true, true]);
    const removed = await h.call('POST', '/ssf/subjects/remove', { body: { stream_id, subject: { format: 'email', email: 'bob@example.com' } } });
    expect(removed.status).toBe(204);
    expect([accepted()?.(alice), accepted()?.(bob)]).toEqual([true, false]);
    const added = await h.call('POST', '/ssf/subjects/add', { body: { stream_id, subject: { format: 'email', email: 'BOB@example.com' }, verified: true } });
    expect(added.status).toBe(200);
    expect(added.body).toBeUndefined();
    expect([accepted()?.(alice), accepted()?.(bob)]).toEqual([true, true]);
  });

  it('default_subjects NONE: only subjects added, matched in any of the user\'s formats, complex ones by their members', async () => {
    const h = await startSsfHarness({ defaultSubjects: 'NONE' });
    const { stream_id } = await create(h, { events_requested: [RISC_ACCOUNT_ENABLED, CAEP_SESSION_REVOKED] });
    const alice = hookEvent({ type: 'user.reactivated' });
    const aliceSession = hookEvent({ type: 'session.revoked', session: { id: 'sess-9', issuer: 'https://op', subject: 'oid-a', reason: 'admin' } });
    const bob = hookEvent({ type: 'user.reactivated', user: { id: 'u-2', userName: 'bob' } });
    const accepts = (e: typeof alice) => h.ssf.source.subscribers()[0]?.accepts(e);
    expect([accepts(alice), accepts(aliceSession), accepts(bob)]).toEqual([false, false, false]);
    // Bob by his SCIM id (opaque); Alice's sessions by a complex subject naming her IdP identity.
    await h.call('POST', '/ssf/subjects/add', { body: { stream_id, subject: { format: 'opaque', id: 'u-2' } } });
    await h.call('POST', '/ssf/subjects/add', { body: { stream_id, subject: { format: 'complex', user: { format: 'iss_sub', iss: 'https://op', sub: 'oid-a' }, tenant: { format: 'opaque', id: 't' } } } });
    expect([accepts(alice), accepts(aliceSession), accepts(bob)]).toEqual([false, true, true]);
    // A complex subject naming another session does not match this one.
    await h.call('POST', '/ssf/subjects/remove', { body: { stream_id, subject: { format: 'opaque', id: 'u-2' } } });
    expect(accepts(bob)).toBe(false);
  });
});

describe('SSF 1.0 §8.1.4 verification', () => {
  it('a push stream gets a verification SET with the state and sub_id opaque stream id; 204 at once', async () => {
    const h = await startSsfHarness();
    const receiver = await startPushReceiver();
    const { stream_id, aud } = await create(h, { delivery: { method: PUSH, endpoint_url: receiver.url } });
    const answer = await h.call('POST', '/ssf/verify', { body: { stream_id, state: 'abc123' } });
    expect(answer.status).toBe(204);
    await expect.poll(() => receiver.received.length, { timeout: 20_000 }).toBe(1);
    const set = await verifySet(h.url, aud, receiver.received[0]?.token ?? '');
    expect(set.eventType).toBe(SSF_VERIFICATION);
    expect(set.event).toEqual({ state: 'abc123' });
    expect(set.payload.sub_id).toEqual({ format: 'opaque', id: stream_id });
  });

  it('a poll stream has it queued before the 204; a paused stream refuses (nothing is transmitted)', async () => {
    const h = await startSsfHarness();
    const { stream_id, aud } = await create(h);
    expect((await h.call('POST', '/ssf/verify', { body: { stream_id } })).status).toBe(204);
    const polled = await h.call('POST', `/ssf/poll/${stream_id}`, { body: { returnImmediately: true } });
    const [token] = Object.values(polled.body.sets as Record<string, string>);
    const set = await verifySet(h.url, aud, token ?? '');
    expect(set.eventType).toBe(SSF_VERIFICATION);
    expect(set.event).toEqual({});
    await h.call('POST', '/ssf/status', { body: { stream_id, status: 'paused' } });
    expect((await h.call('POST', '/ssf/verify', { body: { stream_id } })).status).toBe(400);
  });
});
