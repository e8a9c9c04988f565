/**
 * Answers computed while a group of writes is open (src/store/write-group.ts) leave only after the
 * group has committed: a client told "201 Created" must find the user stored, by this server or
 * any other on the database, and an answer that may have read the group's rows must not outlive
 * a rollback. When the COMMIT fails, such answers become a 503 that says nothing was stored, in
 * the format of the endpoint that was asked.
 */
import type { Logger } from 'pino';

type Fetch = (request: Request, env?: unknown, ...rest: never[]) => Response | Promise<Response>;

export interface PendingCommit {
  committed(): Promise<void> | undefined;
}

/** The answer for a request whose writes were rolled back with their group. */
export type FailedCommitAnswer = (request: Request) => Response;

export function answerAfterCommit<F extends Fetch>(fetch: F, writes: PendingCommit, failedAnswer: FailedCommitAnswer, logger: Logger): F {
  const wrapped = (request: Request, env?: unknown, ...rest: never[]) => {
    const response = fetch(request, env, ...rest);
    const commit = writes.committed();
    if (commit === undefined) return response;
    return commit.then(
      () => response,
      (error: unknown) => {
        logger.error({ err: error }, 'grouped writes failed to commit; answering 503');
        return failedAnswer(request);
      },
    );
  };
  return wrapped as F;
}
