// SET signing keys kept in the database and rotated with overlap: after a rotation SETs are signed
// with the new key and verify against the published JWKS, the old kid stays published while SETs
// signed with it may still be in flight, and then leaves.
import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { RISC_ACCOUNT_ENABLED } from '../../src/ssf/events.js';
import { createSigningKeys } from '../../src/ssf/sqlite/signing-keys.js';
import { openStore } from '../../src/store/index.js';
import { hookEvent, startPushReceiver, startSsfHarness, verifySet } from './ssf-harness.js';

const DAY = 86_400_000;

describe('SET signing keys', () => {
  it('rotation: new SETs are signed with the new key and verify; the old kid stays in the JWKS for the overlap, then leaves', async () => {
    // The clock starts well in the past, so that every iat stays before the real now.
    let clock = Date.now() - 200 * DAY;
    const h = await startSsfHarness({ now: () => new Date(clock), rotateKeysAfterSeconds: 90 * 86_400, keyOverlapSeconds: 7 * 86_400 });
    const receiver = await startPushReceiver();
    const stream = (await h.call('POST', '/ssf/stream', { body: { delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: receiver.url }, events_requested: [RISC_ACCOUNT_ENABLED] } })).body;
    const kids = async () => (await h.call('GET', '/ssf/jwks.json', { token: null })).body.keys.map((k: { kid: string }) => k.kid);

    await h.deliver(hookEvent({ type: 'user.reactivated' }));
    const oldKid = decodeProtectedHeader(receiver.received[0]?.token ?? '').kid;
    expect(await kids()).toEqual([oldKid]);
    expect(await h.ssf.keys.rotateIfDue()).toBe(false);

    clock += 91 * DAY;
    expect(await h.ssf.keys.rotateIfDue()).toBe(true);
    await h.deliver(hookEvent({ type: 'user.reactivated' }));
    const set = await verifySet(h.url, stream.aud, receiver.received[1]?.token ?? '');
    expect(set.header.kid).not.toBe(oldKid);
    // During the overlap both are published: a SET signed just before the rotation still verifies.
    expect(await kids()).toEqual([set.header.kid, oldKid]);
    await verifySet(h.url, stream.aud, receiver.received[0]?.token ?? '');

    clock += 8 * DAY;
    expect(await kids()).toEqual([set.header.kid]);
    await expect(verifySet(h.url, stream.aud, receiver.received[0]?.token ?? '')).rejects.toThrow();
    // Private key material is never published.
    const published = (await h.call('GET', '/ssf/jwks.json', { token: null })).body.keys[0];
    expect(Object.keys(published).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });

  it('a retired key stays published while a poll SET signed with it waits to be acknowledged', async () => {
    let clock = Date.now() - 200 * DAY;
    const h = await startSsfHarness({ now: () => new Date(clock) });
    const stream = (await h.call('POST', '/ssf/stream', { body: { events_requested: [RISC_ACCOUNT_ENABLED] } })).body;
    const event = hookEvent({ type: 'user.reactivated' });
    await h.deliver(event);
    const oldKid = (await h.ssf.keys.current()).kid;
    await h.ssf.keys.rotate();
    clock += 30 * DAY;
    const kids = async () => (await h.call('GET', '/ssf/jwks.json', { token: null })).body.keys.map((k: { kid: string }) => k.kid);
    expect(await kids()).toContain(oldKid);
    const polled = await h.call('POST', `/ssf/poll/${stream.stream_id}`, { body: { returnImmediately: true } });
    await verifySet(h.url, stream.aud, polled.body.sets[event.id]);
    await h.call('POST', `/ssf/poll/${stream.stream_id}`, { body: { ack: [event.id], maxEvents: 0 } });
    expect(await kids()).not.toContain(oldKid);
  });

  it('the keys are the database\'s: two processes sign with one key; concurrent rotations make one new key', async () => {
    const store = openStore(':memory:');
    try {
      let clock = Date.now();
      const options = { rotateAfterSeconds: 60, overlapSeconds: 60, now: () => new Date(clock) };
      const a = createSigningKeys(store, options);
      const b = createSigningKeys(store, options);
      const first = await a.current();
      expect((await b.current()).kid).toBe(first.kid);
      clock += 61_000;
      const rotated = await Promise.all([a.rotateIfDue(), b.rotateIfDue()]);
      expect(rotated.filter(Boolean)).toHaveLength(1);
      const count = store.sqlite.prepare('SELECT count(*) AS n FROM ssf_keys').get() as { n: number };
      expect(count.n).toBe(2);
      expect((await a.current()).kid).toBe((await b.current()).kid);
      expect((await a.current()).kid).not.toBe(first.kid);
    } finally {
      store.close();
    }
  });
});
