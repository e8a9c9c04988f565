// RFC 8936 poll delivery over loopback HTTP: the subscriber queues signed SETs, the receiver polls
// `POST {endpoint_url}` with {ack, setErrs, maxEvents, returnImmediately} and gets
// {sets: {jti: SET}, moreAvailable}. Unacknowledged SETs come back on every poll; acknowledged
// ones (ack or setErrs) never again, not even when the outbox event is delivered again.
import { describe, expect, it } from 'vitest';
import { RISC_ACCOUNT_DISABLED, RISC_ACCOUNT_ENABLED, CAEP_SESSION_REVOKED } from '../../src/ssf/events.js';
import { hookEvent, startSsfHarness, verifySet, type Harness } from './ssf-harness.js';

async function pollStream(h: Harness) {
  // SSF 1.0 §8.1.1.1: no delivery in the request means poll; the transmitter supplies endpoint_url.
  const created = await h.call('POST', '/ssf/stream', { body: { events_requested: [RISC_ACCOUNT_ENABLED, RISC_ACCOUNT_DISABLED, CAEP_SESSION_REVOKED] } });
  expect(created.status).toBe(201);
  expect(created.body.delivery).toEqual({ method: 'urn:ietf:rfc:8936', endpoint_url: `${h.url}/ssf/poll/${created.body.stream_id}` });
  return created.body;
}

const pathOf = (url: string) => new URL(url).pathname;

describe('RFC 8936 poll delivery', () => {
  it('queued SETs are returned, verified, returned again until acknowledged, and never after', async () => {
    const h = await startSsfHarness();
    const stream = await pollStream(h);
    const poll = (body: unknown) => h.call('POST', pathOf(stream.delivery.endpoint_url), { body });
    const first = hookEvent({ type: 'user.reactivated' });
    const second = hookEvent({ type: 'user.reactivated', user: { id: 'u-2', userName: 'bob', email: 'bob@example.com' } });
    expect((await h.deliver(first)).get(`ssf:${stream.stream_id}`)).toEqual({ ok: true });
    await h.deliver(second);

    const one = await poll({ returnImmediately: true, maxEvents: 1 });
    expect(one.status).toBe(200);
    expect(one.res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(one.body.sets)).toEqual([first.id]);
    expect(one.body.moreAvailable).toBe(true);
    const set = await verifySet(h.url, stream.aud, one.body.sets[first.id]);
    expect(set.payload.jti).toBe(first.id);
    expect(set.eventType).toBe(RISC_ACCOUNT_ENABLED);

    // Not acknowledged: the same SET again, first.
    const again = await poll({ returnImmediately: true });
    expect(Object.keys(again.body.sets)).toEqual([first.id, second.id]);
    expect(again.body.moreAvailable).toBe(false);

    // Acknowledge the first, report an error for the second: neither comes back.
    const acked = await poll({ ack: [first.id], setErrs: { [second.id]: { err: 'invalid_subject', description: 'unknown user' } }, returnImmediately: true });
    expect(acked.body).toEqual({ sets: {}, moreAvailable: false });
    // A redelivery of the acknowledged outbox event (at-least-once) does not queue it again.
    await h.deliver(first);
    expect((await poll({ returnImmediately: true })).body).toEqual({ sets: {}, moreAvailable: false });
  });

  it('ack and new SETs in one request; maxEvents 0 only acknowledges', async () => {
    const h = await startSsfHarness();
    const stream = await pollStream(h);
    const poll = (body: unknown) => h.call('POST', pathOf(stream.delivery.endpoint_url), { body });
    const a = hookEvent({ type: 'user.reactivated' });
    const b = hookEvent({ type: 'user.reactivated' });
    await h.deliver(a);
    await h.deliver(b);
    const none = await poll({ maxEvents: 0, ack: [a.id] });
    expect(none.body).toEqual({ sets: {}, moreAvailable: true });
    const rest = await poll({ returnImmediately: true });
    expect(Object.keys(rest.body.sets)).toEqual([b.id]);
  });

  it('a long poll (returnImmediately false, the default) answers as soon as a SET is queued', async () => {
    const h = await startSsfHarness({ poll: { longPollMs: 10_000, intervalMs: 20 } });
    const stream = await pollStream(h);
    const waiting = h.call('POST', pathOf(stream.delivery.endpoint_url), { body: {} });
    const event = hookEvent({ type: 'user.reactivated' });
    setTimeout(() => void h.deliver(event), 100);
    const answer = await waiting;
    expect(Object.keys(answer.body.sets)).toEqual([event.id]);
  });

  it('a long poll with nothing to send answers empty after its wait', async () => {
    const h = await startSsfHarness({ poll: { longPollMs: 150, intervalMs: 20 } });
    const stream = await pollStream(h);
    const answer = await h.call('POST', pathOf(stream.delivery.endpoint_url), { body: {} });
    expect(answer.body).toEqual({ sets: {}, moreAvailable: false });
  });

  it('a deactivation queues session-revoked and account-disabled in that order', async () => {
    const h = await startSsfHarness();
    const stream = await pollStream(h);
    const event = hookEvent({ type: 'user.deactivated' });
    await h.deliver(event);
    const answer = await h.call('POST', pathOf(stream.delivery.endpoint_url), { body: { returnImmediately: true } });
    const sets = await Promise.all(Object.values(answer.body.sets as Record<string, string>).map((token) => verifySet(h.url, stream.aud, token)));
    expect(sets.map((s) => s.eventType)).toEqual([CAEP_SESSION_REVOKED, RISC_ACCOUNT_DISABLED]);
  });

  it('a paused stream returns nothing but still takes acknowledgements', async () => {
    const h = await startSsfHarness();
    const stream = await pollStream(h);
    const event = hookEvent({ type: 'user.reactivated' });
    await h.deliver(event);
    await h.call('POST', '/ssf/status', { body: { stream_id: stream.stream_id, status: 'paused' } });
    const poll = (body: unknown) => h.call('POST', pathOf(stream.delivery.endpoint_url), { body });
    expect((await poll({ returnImmediately: true })).body).toEqual({ sets: {}, moreAvailable: false });
    await poll({ ack: [event.id], returnImmediately: true });
    await h.call('POST', '/ssf/status', { body: { stream_id: stream.stream_id, status: 'enabled' } });
    expect((await poll({ returnImmediately: true })).body).toEqual({ sets: {}, moreAvailable: false });
  });

  it('bad poll requests: 400 {err, description}, nothing acknowledged', async () => {
    const h = await startSsfHarness();
    const stream = await pollStream(h);
    const event = hookEvent({ type: 'user.reactivated' });
    await h.deliver(event);
    const path = pathOf(stream.delivery.endpoint_url);
    const before = h.snapshot();
    for (const body of [
      { ack: event.id },
      { ack: [event.id], maxEvents: -1 },
      { ack: [event.id], maxEvents: 1.5 },
      { ack: [event.id], returnImmediately: 'yes' },
      { ack: [event.id], setErrs: { x: 'bad' } },
      { ack: [event.id], setErrs: [] },
    ]) {
      const answer = await h.call('POST', path, { body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body).toEqual({ err: 'invalid_request', description: expect.any(String) });
    }
    expect((await h.call('POST', path, { raw: '{"ack": [' })).body.err).toBe('invalid_request');
    expect(h.snapshot()).toEqual(before);
  });

  it('the poll endpoint is the owner\'s: another receiver gets 404, no token 401, a push stream 400', async () => {
    const h = await startSsfHarness();
    const stream = await pollStream(h);
    const path = pathOf(stream.delivery.endpoint_url);
    expect((await h.call('POST', path, { body: {}, token: h.tokenB })).status).toBe(404);
    expect((await h.call('POST', path, { body: {}, token: null })).status).toBe(401);
    expect((await h.call('POST', path, { body: {}, token: h.scimToken })).status).toBe(401);
    const push = await h.call('POST', '/ssf/stream', { body: { delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: 'https://receiver.example/events' } } });
    const refused = await h.call('POST', `/ssf/poll/${push.body.stream_id}`, { body: {} });
    expect(refused.status).toBe(400);
  });
});
