/**
 * What any implementation of the hooks' outbox (src/persistence/outbox.ts) must do: append only
 * inside a write, commit or roll back with it, hand events back in commit order with stable ids.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Outbox } from '../../src/persistence/index.js';
import type { OpenStores, Stores } from './stores.js';

export function outboxContract(implementation: string, open: OpenStores): void {
  describe(`outbox contract: ${implementation}`, () => {
    let stores: Stores;
    let outbox: Outbox;
    beforeEach(() => {
      stores = open();
      outbox = stores.outbox;
    });
    afterEach(() => stores.close());
    const write = <T>(change: () => T): T => stores.write(change);
    const tokenEvent = (name: string) => ({ type: 'scim_token.created' as const, token: { id: `t-${name}`, name } });

    it('is empty at first: head 0, nothing to read', () => {
      expect(outbox.head()).toBe(0);
      expect(outbox.readAfter(0, 10)).toEqual([]);
    });

    it('refuses an append outside a write, and stores nothing', () => {
      expect(() => outbox.append(tokenEvent('a'))).toThrow();
      expect(outbox.head()).toBe(0);
    });

    it('hands events back oldest first, after a seq, at most `limit`, with the id and seq append returned', () => {
      const appended = write(() => [outbox.append(tokenEvent('a')), outbox.append(tokenEvent('b'))]);
      const third = write(() => outbox.append({ ...tokenEvent('c'), occurredAt: '2026-01-01T00:00:00.000Z' }));
      expect(appended[0]?.seq).toBeLessThan(appended[1]?.seq ?? 0);
      expect(appended[1]?.seq).toBeLessThan(third.seq);
      expect(outbox.head()).toBe(third.seq);
      expect(outbox.readAfter(0, 10)).toEqual([...appended, third]);
      expect(outbox.readAfter(appended[0]?.seq ?? 0, 1)).toEqual([appended[1]]);
      expect(third).toMatchObject({ type: 'scim_token.created', occurredAt: '2026-01-01T00:00:00.000Z', token: { id: 't-c', name: 'c' } });
      expect(new Set([...appended, third].map((e) => e.id)).size).toBe(3);
      for (const event of [...appended, third]) expect(event.id).toMatch(/^evt_/);
    });

    it('an event rolls back with its cause: a write that fails after appending leaves nothing', () => {
      write(() => outbox.append(tokenEvent('kept')));
      const head = outbox.head();
      expect(() =>
        write(() => {
          outbox.append(tokenEvent('lost'));
          throw new Error('the cause fails');
        }),
      ).toThrow('the cause fails');
      expect(outbox.head()).toBe(head);
      const next = write(() => outbox.append(tokenEvent('after')));
      expect(outbox.readAfter(0, 10).map((e) => e.token?.name)).toEqual(['kept', 'after']);
      expect(next.seq).toBeGreaterThan(head);
    });

    it('keeps every field of the event as appended', () => {
      const event = {
        type: 'user.groups_changed' as const,
        user: { id: 'u1', userName: 'alice@example.com', externalId: 'x1', email: 'alice@example.com' },
        groups: { added: [{ id: 'g1', displayName: 'Admins' }], removed: [] },
      };
      const stored = write(() => outbox.append(event));
      expect(outbox.readAfter(0, 1)).toEqual([stored]);
      expect(stored).toMatchObject(event);
    });
  });
}
