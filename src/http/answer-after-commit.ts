/**
 * The one place answers are held until their writes' commit. Answers computed while a group of
 * writes is open (the store's unit of work, src/store/unit-of-work.ts) leave only after the
 * group has committed: a client told "201 Created" must find the user stored, by this server or
 * any other on the database, and an answer that may have read the group's rows must not outlive
 * a rollback. When the COMMIT fails, such answers become a 503 that says nothing was stored, in
 * the format of the endpoint that was asked.
 *
 * Which answers wait: every answer whose request was handled while a group was open, except one
 * whose handler let go to wait for its request's body before any of its writes joined the group:
 * what it does next happens after the group's run has ended — its write commits on its own — so
 * its answer must not take the group's fate. Handlers need not know: bodies are read only through
 * src/http/request-body.ts, which marks such a request itself (noteBodyAwaited).
 */
import type { Logger } from 'pino';

type Fetch = (request: Request, env?: unknown, ...rest: never[]) => Response | Promise<Response>;

export interface PendingCommit {
  committed(since?: number): Promise<void> | undefined;
  joined(): number;
}

/** The answer for a request whose writes were rolled back with their group. */
export type FailedCommitAnswer = (request: Request) => Response;

const BODY_AWAITED = Symbol('scimgate.bodyAwaited');
type Marked = Request & { [BODY_AWAITED]?: true };

/** Called only by src/http/request-body.ts, the one reader of request bodies, when it has to wait for one; marks the request itself. */
export function noteBodyAwaited(request: Request): void {
  (request as Marked)[BODY_AWAITED] = true;
}

export function answerAfterCommit<F extends Fetch>(fetch: F, writes: PendingCommit, failedAnswer: FailedCommitAnswer, logger: Logger): F {
  const wrapped = (request: Request, env?: unknown, ...rest: never[]) => {
    const joinedBefore = writes.joined();
    const response = fetch(request, env, ...rest);
    const commit = writes.committed(joinedBefore);
    if (commit === undefined) return response;
    if (response instanceof Promise && (request as Marked)[BODY_AWAITED] === true && writes.joined() === joinedBefore) return response;
    return commit.then(
      () => response,
      (error: unknown) => {
        logger.error({ err: error }, 'grouped writes failed to commit; answering 503');
        // The answer computed from rolled-back rows is dropped; should it still fail, nobody listens.
        if (response instanceof Promise) response.catch(() => {});
        return failedAnswer(request);
      },
    );
  };
  return wrapped as F;
}
