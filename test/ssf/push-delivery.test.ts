// RFC 8935 push delivery end to end over loopback HTTP: a receiver creates a push stream, the
// delivery worker's subscriber pushes SETs for outbox events, and the receiver verifies each with
// jose against the published JWKS and checks the SET rules of RFC 8417 and SSF 1.0.
import { describe, expect, it } from 'vitest';
import { CAEP_SESSION_REVOKED, RISC_ACCOUNT_DISABLED, RISC_ACCOUNT_ENABLED, RISC_ACCOUNT_PURGED } from '../../src/ssf/events.js';
import { hookEvent, startPushReceiver, startSsfHarness, verifySet } from './ssf-harness.js';

const ALL_EVENTS = [CAEP_SESSION_REVOKED, RISC_ACCOUNT_DISABLED, RISC_ACCOUNT_ENABLED, RISC_ACCOUNT_PURGED];

async function pushStream(h: Awaited<ReturnType<typeof startSsfHarness>>, url: string, events = ALL_EVENTS) {
  const created = await h.call('POST', '/ssf/stream', {
    body: { delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: url, authorization_header: 'Bearer receiver-secret' }, events_requested: events },
  });
  expect(created.status).toBe(201);
  return created.body;
}

describe('RFC 8935 push delivery', () => {
  it('a deactivation pushes CAEP session-revoked then RISC account-disabled, each a valid SET', async () => {
    const h = await startSsfHarness();
    const receiver = await startPushReceiver();
    const stream = await pushStream(h, receiver.url);
    const event = hookEvent({ type: 'user.deactivated' });

    const outcomes = await h.deliver(event);
    expect(outcomes.get(`ssf:${stream.stream_id}`)).toEqual({ ok: true });

    expect(receiver.received).toHaveLength(2);
    const sets = [];
    for (const push of receiver.received) {
      expect(push.contentType).toBe('application/secevent+jwt');
      expect(push.authorization).toBe('Bearer receiver-secret');
      sets.push(await verifySet(h.url, stream.aud, push.token));
    }
    expect(sets.map((s) => s.eventType)).toEqual([CAEP_SESSION_REVOKED, RISC_ACCOUNT_DISABLED]);
    expect(sets.map((s) => s.payload.sub_id)).toEqual([
      { format: 'email', email: 'alice@example.com' },
      { format: 'email', email: 'alice@example.com' },
    ]);
    // One underlying event: one txn (the outbox id), distinct jtis derived from it.
    expect(new Set(sets.map((s) => s.payload.txn))).toEqual(new Set([event.id]));
    expect(sets.map((s) => s.payload.jti)).toEqual([`${event.id}.session-revoked`, `${event.id}.account-disabled`]);
    expect(sets[0]?.event).toMatchObject({ initiating_entity: 'admin', event_timestamp: Date.parse(event.occurredAt) / 1000 });
  });

  it('a redelivery of the same outbox event keeps the jti', async () => {
    const h = await startSsfHarness();
    const receiver = await startPushReceiver();
    const stream = await pushStream(h, receiver.url);
    const event = hookEvent({ type: 'user.reactivated' });
    await h.deliver(event);
    await h.deliver(event);
    const jtis = await Promise.all(receiver.received.map(async (push) => (await verifySet(h.url, stream.aud, push.token)).payload.jti));
    expect(jtis).toEqual([event.id, event.id]);
  });

  it('user.deleted → session-revoked + account-purged; user.reactivated → account-enabled', async () => {
    const h = await startSsfHarness();
    const receiver = await startPushReceiver();
    const stream = await pushStream(h, receiver.url);
    await h.deliver(hookEvent({ type: 'user.deleted' }));
    await h.deliver(hookEvent({ type: 'user.reactivated', user: { id: 'u-9', userName: 'bob' } }));
    const sets = await Promise.all(receiver.received.map((push) => verifySet(h.url, stream.aud, push.token)));
    expect(sets.map((s) => s.eventType)).toEqual([CAEP_SESSION_REVOKED, RISC_ACCOUNT_PURGED, RISC_ACCOUNT_ENABLED]);
    // No email: the user is named by scimgate's SCIM id, an opaque subject.
    expect(sets[2]?.payload.sub_id).toEqual({ format: 'opaque', id: 'u-9' });
  });

  it('a named session is revoked with a complex subject: user (iss_sub) + session (opaque)', async () => {
    const h = await startSsfHarness();
    const receiver = await startPushReceiver();
    const stream = await pushStream(h, receiver.url);
    await h.deliver(
      hookEvent({ type: 'session.revoked', session: { id: 'sess-1', issuer: 'https://login.example.com/t/v2.0', subject: 'oid-1', reason: 'signed-out' } }),
    );
    const [set] = await Promise.all(receiver.received.map((push) => verifySet(h.url, stream.aud, push.token)));
    expect(set?.eventType).toBe(CAEP_SESSION_REVOKED);
    expect(set?.payload.sub_id).toEqual({
      format: 'complex',
      user: { format: 'iss_sub', iss: 'https://login.example.com/t/v2.0', sub: 'oid-1' },
      session: { format: 'opaque', id: 'sess-1' },
    });
    expect(set?.event.initiating_entity).toBe('user');
  });

  it('deprovisioning sessions are not repeated one by one: the user-wide session-revoked covers them', async () => {
    const h = await startSsfHarness();
    const receiver = await startPushReceiver();
    await pushStream(h, receiver.url);
    const outcomes = await h.deliver(hookEvent({ type: 'session.revoked', session: { id: 's', issuer: 'https://op', subject: 'x', reason: 'deprovisioned' } }));
    expect(outcomes.size).toBe(0);
    expect(receiver.received).toHaveLength(0);
  });

  it('only the events the stream delivers: events_delivered is the supported events requested', async () => {
    const h = await startSsfHarness();
    const receiver = await startPushReceiver();
    const stream = await pushStream(h, receiver.url, [RISC_ACCOUNT_DISABLED, 'urn:example:unknown']);
    expect(stream.events_delivered).toEqual([RISC_ACCOUNT_DISABLED]);
    await h.deliver(hookEvent({ type: 'user.deactivated' }));
    expect(await h.deliver(hookEvent({ type: 'user.reactivated' }))).toEqual(new Map());
    const sets = await Promise.all(receiver.received.map((push) => verifySet(h.url, stream.aud, push.token)));
    // One SET from this event: its jti is the outbox event id itself.
    expect(sets.map((s) => s.eventType)).toEqual([RISC_ACCOUNT_DISABLED]);
  });

  it('events that are no SSF event (group changes, tokens, sign-ins) are not accepted', async () => {
    const h = await startSsfHarness();
    const receiver = await startPushReceiver();
    await pushStream(h, receiver.url);
    for (const type of ['user.groups_changed', 'session.created', 'scim_token.created', 'scim_token.revoked'] as const) {
      expect(await h.deliver(hookEvent({ type }))).toEqual(new Map());
    }
    expect(receiver.received).toHaveLength(0);
  });

  it('RFC 8935 §2.3: a 400 with {err} is not retried; invalid_key is (a stale JWKS); 5xx and 429 are, with Retry-After', async () => {
    const h = await startSsfHarness();
    const answers = [
      { status: 400, body: { err: 'invalid_audience', description: 'not for us' } },
      { status: 400, body: { err: 'invalid_key', description: 'unknown kid' } },
      { status: 503 },
      { status: 429, headers: { 'retry-after': '7' } },
      { status: 200 },
    ];
    let n = 0;
    const receiver = await startPushReceiver(() => answers[n++] ?? { status: 202 });
    const stream = await pushStream(h, receiver.url, [RISC_ACCOUNT_ENABLED]);
    const id = `ssf:${stream.stream_id}`;
    const send = async () => (await h.deliver(hookEvent({ type: 'user.reactivated' }))).get(id);
    expect(await send()).toEqual({ ok: false, retryable: false, reason: expect.stringContaining('invalid_audience — not for us') });
    expect(await send()).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('invalid_key') });
    expect(await send()).toEqual({ ok: false, retryable: true, reason: 'receiver answered HTTP 503' });
    expect(await send()).toEqual({ ok: false, retryable: true, reason: 'receiver answered HTTP 429', retryAfterMs: 7000 });
    expect(await send()).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining('202') });
    expect(await send()).toEqual({ ok: true });
  });

  it('an unreachable receiver is a retryable failure, never a throw', async () => {
    const h = await startSsfHarness();
    const stream = await pushStream(h, 'http://127.0.0.1:9/events');
    const outcome = (await h.deliver(hookEvent({ type: 'user.reactivated' }))).get(`ssf:${stream.stream_id}`);
    expect(outcome).toMatchObject({ ok: false, retryable: true });
  });

  it('a paused stream holds its events (retry later); a disabled one takes none', async () => {
    const h = await startSsfHarness();
    const receiver = await startPushReceiver();
    const stream = await pushStream(h, receiver.url);
    const id = `ssf:${stream.stream_id}`;
    expect((await h.call('POST', '/ssf/status', { body: { stream_id: stream.stream_id, status: 'paused' } })).status).toBe(200);
    expect((await h.deliver(hookEvent({ type: 'user.reactivated' }))).get(id)).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('paused') });
    await h.call('POST', '/ssf/status', { body: { stream_id: stream.stream_id, status: 'disabled' } });
    expect(await h.deliver(hookEvent({ type: 'user.reactivated' }))).toEqual(new Map());
    expect(receiver.received).toHaveLength(0);
    await h.call('POST', '/ssf/status', { body: { stream_id: stream.stream_id, status: 'enabled' } });
    expect((await h.deliver(hookEvent({ type: 'user.reactivated' }))).get(id)).toEqual({ ok: true });
  });
});
