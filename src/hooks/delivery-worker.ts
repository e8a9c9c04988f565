/**
 * The delivery worker: sends each outbox event to every subscriber whose filter accepts it, in
 * commit order per subscriber, at least once, with the event's stable id; retries with backoff
 * and jitter until the subscriber's max age, then dead-letters (./backoff.ts). Its state (cursor,
 * lease, deliveries, attempts) is in the database (./sqlite/delivery-store.ts), so it survives
 * restarts and kill -9, and several processes on one database share the work by lease.
 *
 * Where it runs: on the server's request thread, which owns the database connection — the
 * scheduling, the claims and the outcomes stay there (a second writer on another thread could
 * hold the write lock while descheduled, and SCIM writes would wait for it). What a send costs
 * that thread is kept small: webhook POSTs go out from a thread of their own
 * (./webhooks/post-thread.ts); each claim and each outcome is committed with the next group of
 * SCIM writes rather than in a COMMIT of its own (`writeWithNextGroup`,
 * src/store/unit-of-work.ts); and while the request thread is saturated, sends are paced a
 * moment apart across all subscribers (./request-thread-pressure.ts): deliveries are background
 * work, and a backlog built under a flood of writes drains once it eases (figures:
 * bench/README.md, issue 14).
 *
 * Why a slow or dead receiver never slows SCIM writes or forward auth: sends are asynchronous with
 * a timeout, one in flight per subscriber; the worker's writes are small steps that never wait for
 * the write lock (when it is taken, the step is tried again shortly); and no write is held across
 * a network call (a claim or an outcome waiting for its group holds nothing: it runs when the
 * group commits). A subscriber that is behind has up to MAX_BATCH (./delivery-policy.ts)
 * attempts claimed in one write, then sent one at a time, each outcome committed before the next
 * send (./sqlite/delivery-store.ts says why).
 *
 * It wakes when a write in this process appended events (`wake`, after the write has committed),
 * when a retry falls due, and every `pollIntervalMs` (another process's events, leases to take
 * over). Idle cycles only read.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Outbox } from '../persistence/outbox.js';
import type { Store } from '../store/index.js';
import { createDeliveryStore, type AdvanceInput, type Claimed, type Settled, type Step } from './sqlite/delivery-store.js';
import { paceWhileSaturated, watchRequestThread, type RequestThreadPressure } from './request-thread-pressure.js';
import { createHookRetention } from './sqlite/retention.js';
import { timedSend } from './timed-send.js';
import { DEFAULT_DELIVERY, stepLimits, type StepLimits } from './delivery-policy.js';
import type { DeliveryPolicy, HookSubscriber, SubscriberSource } from './subscriber.js';

export interface WorkerLog {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface DeliveryWorkerOptions {
  store: Pick<Store, 'sqlite' | 'writes'>;
  outbox: Outbox;
  sources: readonly SubscriberSource[];
  /** How often to look for work another process made, or a lease to take over (default 1000 ms); a function is asked every cycle (config reloads). */
  pollIntervalMs?: number | (() => number);
  /** Defaults for subscribers that do not set their own (see DeliveryPolicy). */
  defaults?: DeliveryPolicy;
  /** How long an idle or waiting lease lasts: another process takes over this long after this one died (default 30 s). */
  idleLeaseMs?: number;
  /** How long events and finished deliveries are kept (default 7 days); a function is asked at each pruning (config reloads). */
  retentionMs?: number | (() => number);
  /** This process's name in leases and attempts (default host:pid:random). */
  owner?: string;
  now?: () => number;
  random?: () => number;
  log?: WorkerLog;
  /** Whether the request thread has no slack now (default: its event-loop utilization, ./request-thread-pressure.ts). */
  requestThread?: RequestThreadPressure;
}

export interface DeliveryWorker {
  /** Look for work now (coalesced; after the current write has committed). */
  wake(): void;
  /** Stops: in-flight sends are aborted, leases given up. */
  stop(): Promise<void>;
  readonly owner: string;
}

/** When the write lock was taken, a step is tried again this soon. */
const BUSY_RETRY_MS = 25;
/** Retention runs at start and this often; each run prunes in small writes, one per turn of the event loop. */
const PRUNE_EVERY_MS = 60 * 60 * 1000;
const PRUNE_WRITES_PER_RUN = 50;

interface Lane {
  subscriber: HookSubscriber;
  running: boolean;
  /** What became of the last step's claims, not yet recorded (the next step records it; or the lock was taken when it came back). */
  finished: Settled | undefined;
}

export function startDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { store, outbox } = options;
  const deliveries = createDeliveryStore(store, outbox);
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const poll = options.pollIntervalMs ?? 1000;
  const pollMs = () => Math.max(1, typeof poll === 'function' ? poll() : poll);
  const idleLeaseMs = options.idleLeaseMs ?? 30_000;
  const owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const defaults = { ...DEFAULT_DELIVERY, ...options.defaults };
  const giveWay = paceWhileSaturated(options.requestThread ?? watchRequestThread());
  const lanes = new Map<string, Lane>();
  const running = new Set<Promise<void>>();
  const inFlight = new Set<AbortController>();
  let stopped = false;
  let immediate: NodeJS.Immediate | undefined;
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;
  const retention = createHookRetention(store);
  const keep = options.retentionMs ?? 7 * 24 * 60 * 60 * 1000;
  const retentionMs = () => (typeof keep === 'function' ? keep() : keep);
  let pruner: NodeJS.Timeout | undefined;

  /** One pruning run: small writes that never wait for the lock, until nothing is left or the run's budget is spent. */
  const prune = (writesLeft = PRUNE_WRITES_PER_RUN) => {
    if (stopped || writesLeft === 0) return;
    const removed = store.writes.writeIfFree(() => retention.prune(now(), retentionMs()));
    if (removed !== undefined && removed > 0) setImmediate(() => prune(writesLeft - 1));
  };

  const schedule = (at: number) => {
    if (stopped || at >= timerAt) return;
    if (timer) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(() => {
      timer = undefined;
      timerAt = Infinity;
      cycle();
    }, Math.max(0, at - now()));
    timer.unref?.();
  };

  const wake = () => {
    if (stopped || immediate) return;
    // setImmediate: after the current synchronous run, hence after the write (or the batch's group) committed.
    immediate = setImmediate(() => {
      immediate = undefined;
      cycle();
    });
  };

  const subscribersNow = (): HookSubscriber[] => {
    const all: HookSubscriber[] = [];
    for (const source of options.sources) {
      try {
        all.push(...source.subscribers());
      } catch (error) {
        options.log?.warn({ error: String(error) }, 'a hook subscriber source failed; its subscribers are skipped this cycle');
      }
    }
    return all;
  };

  function cycle(): void {
    if (stopped) return;
    let next = now() + pollMs();
    try {
      const subscribers = subscribersNow();
      const head = outbox.head();
      const t = now();
      const seen = new Set<string>();
      for (const subscriber of subscribers) {
        seen.add(subscriber.id);
        let lane = lanes.get(subscriber.id);
        if (!lane) lanes.set(subscriber.id, (lane = { subscriber, running: false, finished: undefined }));
        lane.subscriber = subscriber;
        if (lane.running) continue;
        if (!lane.finished) {
          const due = deliveries.due(subscriber.id, owner, t, head);
          if (!due.now) {
            if (due.at !== undefined) next = Math.min(next, due.at);
            continue;
          }
        }
        run(lane);
      }
      for (const [id, lane] of lanes) if (!seen.has(id) && !lane.running) lanes.delete(id);
    } catch (error) {
      options.log?.warn({ error: String(error) }, 'hook delivery cycle failed; trying again at the next poll');
    }
    schedule(next);
  }

  function run(lane: Lane): void {
    lane.running = true;
    const done = drive(lane)
      .catch((error: unknown) => options.log?.warn({ subscriber: lane.subscriber.id, error: String(error) }, 'hook delivery step failed'))
      .finally(() => {
        lane.running = false;
        running.delete(done);
      });
    running.add(done);
  }

  const limitsOf = (lane: Lane): StepLimits => stepLimits(defaults, lane.subscriber.delivery, idleLeaseMs);
  const inputOf = (lane: Lane, limits = limitsOf(lane)): AdvanceInput => {
    const { plan, sendLeaseMs, leaseMs, maxBatch } = limits;
    return { subscriber: lane.subscriber, owner, now: now(), plan, sendLeaseMs, leaseMs, maxBatch, finished: lane.finished, random };
  };

  async function drive(lane: Lane): Promise<void> {
    while (!stopped) {
      const limits = limitsOf(lane);
      const input = inputOf(lane, limits);
      // The claim (and the outcome of the step before, when it is the last one sent) shares the
      // COMMIT of the next group of SCIM writes: a subscriber that keeps up claims one event per
      // step, and a COMMIT of its own each time cost the request thread more than the send did.
      const step: Step | undefined = await store.writes.writeWithNextGroup(() => deliveries.advance(input));
      if (step === undefined) {
        // The write lock is taken (another process's commit): the step, and any outcome to record, wait a moment.
        schedule(now() + BUSY_RETRY_MS);
        return;
      }
      lane.finished = undefined;
      if (step.kind === 'send') {
        lane.finished = await sendInOrder(lane, step, limits.timeoutMs);
        continue;
      }
      if (step.kind === 'wait' || step.kind === 'elsewhere') schedule(step.until);
      return;
    }
    // Stopping: an outcome not yet recorded is recorded and claims never sent are undone, so the
    // next process neither sends a delivered event again nor waits for this one's lease to run out.
    const finished = lane.finished;
    if (finished && store.writes.writeIfFree(() => deliveries.record(inputOf(lane), finished)) !== undefined) lane.finished = undefined;
  }

  /**
   * Sends a step's claims one at a time, in order. Each outcome is committed before the next
   * send (with the next group of SCIM writes, or alone when none comes), so that after a crash
   * only the send in flight is repeated and a receiver never sees the sequence go back; the last
   * one sent is returned instead, and the next step's claim records it in the same write. Stops at
   * the first failure (what follows must not overtake it), before any send that could outlast the
   * lease, at shutdown, or when an outcome could not be recorded (the lock was taken); what is
   * left is returned for the next step to record and undo.
   */
  async function sendInOrder(lane: Lane, step: Extract<Step, { kind: 'send' }>, timeoutMs: number): Promise<Settled | undefined> {
    const subscriber = lane.subscriber;
    const claims = step.claimed;
    for (let i = 0; i < claims.length; i++) {
      const claim = claims[i] as Claimed;
      // Deliveries are background work: with no slack on the request thread, they give way to requests.
      await giveWay();
      // The first send starts right after its claim; a later one only while the lease still outlives it.
      if (stopped || (i > 0 && now() > step.sendBy)) return { sent: [], unsent: claims.slice(i).map(unsentOf) };
      let outcome = await timedSend(subscriber, claim.event, timeoutMs, inFlight);
      // Cut off by our own shutdown, not by the receiver: the next process may try again at once.
      if (!outcome.ok && outcome.retryable && stopped) outcome = { ...outcome, retryAfterMs: 1 };
      if (!outcome.ok) options.log?.warn({ subscriber: subscriber.id, event: claim.event.id, attempt: claim.attempt, reason: outcome.reason }, 'hook delivery attempt failed');
      const settled: Settled = {
        sent: [{ deliveryId: claim.deliveryId, attempt: claim.attempt, outcome }],
        unsent: outcome.ok && !stopped ? [] : claims.slice(i + 1).map(unsentOf),
      };
      // No send follows in this step: the next step's claim records it, in the same write.
      if (i === claims.length - 1 || settled.unsent.length > 0) return settled;
      const input = inputOf(lane);
      // Committed before the next send, in the next group of SCIM writes when one comes (it shares their COMMIT).
      if ((await store.writes.writeWithNextGroup(() => deliveries.record(input, settled))) === undefined) {
        return { sent: settled.sent, unsent: claims.slice(i + 1).map(unsentOf) };
      }
    }
    return undefined;
  }

  schedule(now());
  setImmediate(() => prune());
  pruner = setInterval(() => prune(), PRUNE_EVERY_MS);
  pruner.unref?.();

  return {
    owner,
    wake,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (immediate) clearImmediate(immediate);
      if (timer) clearTimeout(timer);
      if (pruner) clearInterval(pruner);
      for (const controller of inFlight) controller.abort(new Error('scimgate is stopping'));
      await Promise.all([...running]);
      // Another process need not wait out this one's leases.
      store.writes.writeIfFree(() => deliveries.release(owner, now()));
    },
  };
}

const unsentOf = ({ deliveryId, attempt }: Claimed) => ({ deliveryId, attempt });
