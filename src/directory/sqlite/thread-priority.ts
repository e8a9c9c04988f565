/**
 * Puts the calling thread (the search thread) behind every other thread of the machine for CPU, so
 * a heavy search runs only on CPU nothing else wants.
 *
 * Why not nice 19 alone: since Linux 6.6 the scheduler is EEVDF, where a woken thread of normal
 * priority does not necessarily preempt a running nice-19 one; it may wait out the running one's
 * slice. On 2 cores with a search thread always busy, forward auth's request thread then waited
 * that slice often enough to double its p99 (bench/README.md, issue 11). A SCHED_IDLE thread is
 * preempted at once by any normal thread that wakes up (kernel/sched/fair.c: an idle entity always
 * yields to a non-idle one on wakeup).
 *
 * Node has no binding for sched_setscheduler, so this asks util-linux's `chrt` (present wherever
 * util-linux is: every Debian, Ubuntu and Fedora image) to set the policy of this thread, named
 * by /proc/thread-self. Lowering one's own policy needs no privilege. Where that is not possible
 * (no chrt, another OS, a seccomp profile), the thread keeps nice 19, which is what this returns.
 */
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

export type ThreadPriority = 'idle-policy' | 'nice-19' | 'unchanged';

export function yieldCpuToOtherThreads(): ThreadPriority {
  if (process.platform !== 'linux') return 'unchanged';
  let priority: ThreadPriority = 'unchanged';
  try {
    // Linux keeps nice values per thread, so pid 0 lowers only this thread (elsewhere it would
    // lower the whole process, hence the platform check above).
    setPriority(0, 19);
    priority = 'nice-19';
  } catch {
    // Refused: try the policy all the same.
  }
  try {
    // "<pid>/task/<tid>": this thread's id, since fs calls made synchronously run on the calling thread.
    const tid = readlinkSync('/proc/thread-self').split('/').pop() ?? '';
    if (!/^\d+$/.test(tid)) return priority;
    execFileSync('chrt', ['--idle', '--pid', '0', tid], { stdio: 'ignore', timeout: 5_000 });
    return 'idle-policy';
  } catch {
    return priority;
  }
}
