/*
 * evb_peer.h - the other side of a measurement: a thread or a process.
 *
 * A peer runs fn(arg) either as a pthread (--ipc thread) or in a fork()ed
 * child (--ipc process), pinned to a CPU chosen by evb_placement.  Anything
 * both sides touch must then live in evb_shared_alloc() memory; the
 * process-shared barrier below works for both kinds.  A process peer dies
 * with its parent (PR_SET_PDEATHSIG), so a driver killed by the harness
 * leaves nothing behind.  Block signals before starting a peer: it inherits
 * the mask.
 */
#ifndef EVB_PEER_H
#define EVB_PEER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum evb_ipc {
	EVB_IPC_THREAD,
	EVB_IPC_PROCESS,
};

extern const char *const evb_ipc_names[];   /* NULL-terminated */

/* Returns 0 or -errno; a process peer's result travels in its exit status. */
typedef int (*evb_peer_fn)(void *arg);

struct evb_peer {
	enum evb_ipc ipc;
	int cpu;
	evb_peer_fn fn;
	void *arg;
	pthread_t thread;
	pid_t pid;
	int result;
};

/* 0 or -errno.  The peer pins itself to cpu (-1: no pinning) first. */
int evb_peer_start(struct evb_peer *peer, enum evb_ipc ipc, int cpu, evb_peer_fn fn,
		   void *arg);

/*
 * Wait for the peer.  Returns fn's result (0 or -errno); a process that died
 * of a signal gives -EINTR with the signal named in reason.
 */
int evb_peer_join(struct evb_peer *peer, char *reason, size_t reason_len);

/*
 * A futex barrier that works between threads and between processes (place
 * it in shared memory), and that a failing side can abort: every waiter,
 * present and future, then returns -ECANCELED instead of hanging.
 */
struct evb_barrier {
	_Atomic unsigned arrived;
	_Atomic unsigned generation;
	_Atomic int aborted;
	unsigned count;
};

void evb_barrier_init(struct evb_barrier *b, unsigned count);
/* 0 when all count parties arrived, -ECANCELED after evb_barrier_abort. */
int evb_barrier_wait(struct evb_barrier *b);
void evb_barrier_abort(struct evb_barrier *b);

/*
 * A word one side sleeps on until another side posts it: the waiter of a
 * condition that another thread or process (in shared memory) makes true,
 * without spinning and without a system call on the poster's side while
 * nobody sleeps.  The waiter:
 *
 *   while (!condition) {
 *           unsigned seq = evb_signal_word_prepare(w);
 *           if (condition) { evb_signal_word_cancel(w); break; }
 *           evb_signal_word_sleep(w, seq, bound_ns);
 *   }
 *
 * the poster makes the condition true, then evb_signal_word_post(w).  All
 * accesses are sequentially consistent, so either the waiter sees the
 * condition after announcing its sleep, or the poster sees the announcement
 * and wakes it (a post before the sleep changes seq: the futex wait returns
 * at once).  The sleep is bounded: a lost post costs bound_ns, not a hang.
 */
struct evb_signal_word {
	_Atomic unsigned seq;
	_Atomic int sleeping;
};

unsigned evb_signal_word_prepare(struct evb_signal_word *w);
void evb_signal_word_cancel(struct evb_signal_word *w);
void evb_signal_word_sleep(struct evb_signal_word *w, unsigned seq, int64_t timeout_ns);
void evb_signal_word_post(struct evb_signal_word *w);

/*
 * Verified asleep: what "wakeup" means in every driver (docs/methodology.md, "Reading the
 * numbers").  Before the notifier reads its clock, the waiter's thread must
 * show state S (interruptible sleep) in /proc/PID/task/TID/stat and be off
 * its CPU (/proc/.../syscall no longer reads "running": a thread sets S
 * before it finishes queueing itself, futex_waitv on 64 words long enough
 * to be seen) -- it has entered its wait and the kernel has put it to
 * sleep, so the sample is a
 * wakeup from sleep, not a notification caught on the way in -- and then
 * EVB_WAKEUP_GAP_NS more pass (the driver's --gap-ns), so the switch away
 * from the waiter has finished and its CPU may have gone idle.
 */
#define EVB_WAKEUP_GAP_NS (10 * 1000LL)
/* How long to look for the sleep before the round counts as not asleep. */
#define EVB_ASLEEP_TIMEOUT_NS (1000 * 1000 * 1000LL)

struct evb_asleep {
	int stat_fd;          /* /proc/PID/task/TID/stat of the waiter */
	int syscall_fd;       /* its /proc/.../syscall: off its CPU? (-1: no such file) */
};

/* Watch thread tid of process pid.  0 or -errno. */
int evb_asleep_open(struct evb_asleep *w, pid_t pid, pid_t tid);
/*
 * Look (yielding between looks) until the waiter is asleep, at most
 * timeout_ns.  1 asleep, 0 not seen asleep in time, -errno.
 */
int evb_wait_until_asleep(struct evb_asleep *w, int64_t timeout_ns);
void evb_asleep_close(struct evb_asleep *w);

#endif
