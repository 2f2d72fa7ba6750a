/* evb_peer.c - thread or process peers and a shared barrier. */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "evb_clock.h"
#include "evb_peer.h"
#include "evb_placement.h"
#include "evb_sys.h"

const char *const evb_ipc_names[] = { "thread", "process", NULL };

static void *thread_main(void *arg)
{
	struct evb_peer *peer = arg;
	int ret = evb_pin_self(peer->cpu);

	if (!ret)
		ret = peer->fn(peer->arg);
	return (void *)(intptr_t)ret;
}

int evb_peer_start(struct evb_peer *peer, enum evb_ipc ipc, int cpu, evb_peer_fn fn,
		   void *arg)
{
	*peer = (struct evb_peer){ .ipc = ipc, .cpu = cpu, .fn = fn, .arg = arg };

	if (ipc == EVB_IPC_THREAD)
		return -pthread_create(&peer->thread, NULL, thread_main, peer);

	pid_t parent = getpid();

	fflush(NULL);   /* the child must not write the parent's buffered output */
	peer->pid = fork();
	if (peer->pid < 0)
		return -errno;
	if (peer->pid == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(ESRCH);
		int ret = evb_pin_self(cpu);

		if (!ret)
			ret = fn(arg);
		_exit(ret < 0 ? (-ret > 255 ? 255 : -ret) : 0);
	}
	return 0;
}

int evb_peer_join(struct evb_peer *peer, char *reason, size_t reason_len)
{
	if (peer->ipc == EVB_IPC_THREAD) {
		void *result;
		int ret = pthread_join(peer->thread, &result);

		return ret ? -ret : (int)(intptr_t)result;
	}

	int status;

	while (waitpid(peer->pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (WIFSIGNALED(status)) {
		snprintf(reason, reason_len, "peer process killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
		return -EINTR;
	}
	return -WEXITSTATUS(status);
}

static long futex_timed(_Atomic unsigned *word, int op, unsigned value,
			const struct timespec *timeout)
{
	return syscall(SYS_futex, word, op, value, timeout, NULL, 0);
}

static long futex(_Atomic unsigned *word, int op, unsigned value)
{
	return futex_timed(word, op, value, NULL);
}

unsigned evb_signal_word_prepare(struct evb_signal_word *w)
{
	unsigned seq = atomic_load(&w->seq);

	atomic_store(&w->sleeping, 1);
	return seq;
}

void evb_signal_word_sleep(struct evb_signal_word *w, unsigned seq, int64_t timeout_ns)
{
	struct timespec timeout = {
		.tv_sec = timeout_ns / 1000000000LL,
		.tv_nsec = timeout_ns % 1000000000LL,
	};

	/* EAGAIN (seq moved on), EINTR and ETIMEDOUT all mean: look again. */
	futex_timed(&w->seq, FUTEX_WAIT, seq, &timeout);
	atomic_store(&w->sleeping, 0);
}

void evb_signal_word_cancel(struct evb_signal_word *w)
{
	atomic_store(&w->sleeping, 0);
}

void evb_signal_word_post(struct evb_signal_word *w)
{
	atomic_fetch_add(&w->seq, 1);
	if (atomic_load(&w->sleeping))
		futex(&w->seq, FUTEX_WAKE, 1);
}

void evb_barrier_init(struct evb_barrier *b, unsigned count)
{
	atomic_store(&b->arrived, 0);
	atomic_store(&b->generation, 0);
	atomic_store(&b->aborted, 0);
	b->count = count;
}

int evb_barrier_wait(struct evb_barrier *b)
{
	unsigned generation = atomic_load(&b->generation);

	if (atomic_load(&b->aborted))
		return -ECANCELED;
	if (atomic_fetch_add(&b->arrived, 1) + 1 == b->count) {
		atomic_store(&b->arrived, 0);
		atomic_fetch_add(&b->generation, 1);
		futex(&b->generation, FUTEX_WAKE, INT32_MAX);
		return 0;
	}
	while (atomic_load(&b->generation) == generation)
		futex(&b->generation, FUTEX_WAIT, generation);
	return atomic_load(&b->aborted) ? -ECANCELED : 0;
}

void evb_barrier_abort(struct evb_barrier *b)
{
	atomic_store(&b->aborted, 1);
	atomic_fetch_add(&b->generation, 1);
	futex(&b->generation, FUTEX_WAKE, INT32_MAX);
}

int evb_asleep_open(struct evb_asleep *w, pid_t pid, pid_t tid)
{
	char path[96];

	w->syscall_fd = -1;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	w->stat_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (w->stat_fd < 0)
		return -errno;
	/* optional: a kernel without it is judged by the state alone */
	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", (int)pid, (int)tid);
	w->syscall_fd = open(path, O_RDONLY | O_CLOEXEC);
	return 0;
}

/*
 * Is the thread off its CPU?  /proc/.../syscall reads "running" while the
 * thread is on a CPU (the kernel waits for it to leave first, briefly, and
 * gives up): a thread that set its state to S but has not yet called
 * schedule() -- futex_waitv sets S before it queues on each of its words --
 * is not asleep yet.  1 off-CPU, 0 running, 1 when the file cannot tell.
 */
static int off_cpu(int syscall_fd)
{
	char buf[16];
	ssize_t n;

	if (syscall_fd < 0)
		return 1;
	n = pread(syscall_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	return strncmp(buf, "running", 7) != 0;
}

/* Is the thread asleep (state S) right now?  1, 0, or -errno. */
static int asleep_now(int stat_fd)
{
	char buf[512];
	const char *fields;
	int ret = evb_proc_stat_fields(stat_fd, buf, sizeof(buf), &fields);

	if (ret)
		return ret == -EINVAL ? 0 : ret;
	return fields[0] == ' ' && fields[1] == 'S';
}

int evb_wait_until_asleep(struct evb_asleep *w, int64_t timeout_ns)
{
	int64_t give_up = evb_now_ns() + timeout_ns;

	for (;;) {
		int asleep = asleep_now(w->stat_fd);

		if (asleep > 0 && !off_cpu(w->syscall_fd))
			asleep = 0;   /* state S, still on its CPU */
		if (asleep)
			return asleep;
		if (evb_now_ns() >= give_up)
			return 0;
		sched_yield();
	}
}

void evb_asleep_close(struct evb_asleep *w)
{
	if (w->stat_fd >= 0)
		close(w->stat_fd);
	if (w->syscall_fd >= 0)
		close(w->syscall_fd);
	w->stat_fd = w->syscall_fd = -1;
}
