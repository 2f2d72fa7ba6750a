/*
 * client_pace.c - the open loop's pacing (client.h): the client never
 * sleeps through a due time.
 *
 * A sleep here ends late: a vCPU woken from idle pays 30-40 us of exit,
 * more when the host is busy, and every microsecond a request leaves late
 * counts in its latency (wrk2's rule).  So before an open loop the client
 * sleeps PACE_PROBES times for one schedule gap (at most PACE_PROBE_MAX_NS)
 * and takes the second-largest overshoot as its margin (the largest may be
 * one preemption, which no margin would have saved), at most
 * PACE_MARGIN_MAX_NS.  Then each wait sleeps until the next due time less
 * the margin, and from there polls its connections with a zero timeout
 * until the due time comes:
 *
 *   due - margin        due
 *   ... sleep ... |poll poll poll|send
 *
 * On the server's own CPU (--placement same-cpu) each poll that finds
 * nothing yields the CPU (sched_yield), so that a server with work runs
 * first: the poll only fills what would be idle, and an idle CPU is what
 * wakes late (an open loop at 2,000 req/s on one CPU: send lag p50 33-45
 * us asleep, against a 16 us closed round trip).  The polling is
 * the client's idle time spent busy, by choice: inside the measured window
 * it is counted (cl->poll_ns: the time in the polls that found nothing,
 * and in the loop between two of them when it sent nothing, on the
 * thread's CPU clock: pace_clock)
 * and taken out of the client's and the machine's CPU (client.c), so that
 * neither the client-bound check nor CPU per request charges it.
 *
 * The sleep is epoll_pwait2's nanosecond timeout (timer slack 1 ns, set in
 * client.c), or on a kernel without it (before 5.11) a timerfd in the
 * epoll set armed at the wake time.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "client.h"
#include "evb_clock.h"
#include "evb_stats.h"

#define PACE_PROBES 50
#define PACE_PROBE_MAX_NS (1000 * 1000LL)
#define PACE_MARGIN_MAX_NS (1000 * 1000LL)
/* A schedule this dense (1,000 req/s and up) is never slept through. */
#define PACE_SPIN_GAP_NS (1000 * 1000LL)

/*
 * The clock the polling is counted on: the client thread's CPU clock, on
 * its own CPU as on the server's.  The wall clock would be cheaper (vDSO,
 * where the thread's CPU clock is a system call) but counts the time
 * another task ran on the client's CPU while it polled: under a second
 * load the polls then outgrew the client's whole CPU time and its CPU per
 * request came out negative.  On the server's CPU it also leaves out the
 * time the server ran in a sched_yield.
 */
static int64_t pace_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return evb_timespec_ns(&ts);
}

/* How late one sleep of len ns ends (an absolute hrtimer sleep, as the
 * loop's). */
static int64_t pace_overshoot(int64_t len)
{
	int64_t at = evb_now_ns() + len;
	struct timespec ts = evb_ns_timespec(at);

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
	return evb_now_ns() - at;
}

void client_pace_probe(struct client *cl, double rate)
{
	int64_t gap = rate * PACE_PROBE_MAX_NS < 1e9 ? PACE_PROBE_MAX_NS : (int64_t)(1e9 / rate);
	int64_t late[PACE_PROBES];

	if (gap < 1)
		gap = 1;
	cl->poll_yield = cl->cfg->server_cpu >= 0 && cl->cfg->server_cpu == cl->cfg->client_cpu;
	cl->spin = rate * PACE_SPIN_GAP_NS >= 1e9;
	if (cl->spin) {
		cl->margin_ns = -1;
		return;
	}
	if (cl->margin_probe_ns && gap <= 2 * cl->margin_probe_ns &&
	    2 * gap >= cl->margin_probe_ns)
		return;
	for (int i = 0; i < PACE_PROBES; i++)
		late[i] = pace_overshoot(gap);
	qsort(late, PACE_PROBES, sizeof(late[0]), evb_cmp_i64);
	cl->margin_ns = late[PACE_PROBES - 2] < 0 ? 0 : late[PACE_PROBES - 2];
	if (cl->margin_ns > PACE_MARGIN_MAX_NS)
		cl->margin_ns = PACE_MARGIN_MAX_NS;
	cl->margin_probe_ns = gap;

}

int client_pace_arm(struct client *cl)
{
	int64_t at = cl->wake_ns ? cl->wake_ns - cl->margin_ns : 0;
	struct itimerspec its = { .it_value = evb_ns_timespec(at > 0 ? at : 1) };

	if (!cl->wake_ns)
		its.it_value = (struct timespec){ 0 };
	if (cl->pwait2 || cl->timerfd < 0 || at == cl->timer_armed_ns)
		return 0;
	if (timerfd_settime(cl->timerfd, TFD_TIMER_ABSTIME, &its, NULL))
		return client_fail(cl, "timerfd_settime", -errno);
	cl->timer_armed_ns = cl->wake_ns ? at : 0;
	return 0;
}

int client_pace_wait(struct client *cl)
{
	int64_t now = evb_now_ns(), left = cl->wake_ns - now;
	bool awaiting = cl->sh->sent > cl->sh->received;
	int n;

	if (cl->ph.open && (cl->spin || awaiting || (cl->wake_ns && left <= cl->margin_ns))) {
		int64_t start = cl->idle_since_ns ? cl->idle_since_ns : pace_clock(), end;

		n = epoll_wait(cl->epfd, cl->events, CLIENT_EVENTS, 0);
		if (n == 0 && cl->poll_yield)
			sched_yield();
		if (n != 0) {
			cl->idle_since_ns = 0;
			return n;
		}
		/* idle since the last poll that found nothing (or this one's start) */
		end = pace_clock();
		if (cl->ph.measure && cl->ph.started)
			cl->poll_ns += end - start;
		cl->idle_since_ns = end;
		return n;
	}
	if (!cl->wake_ns)
		return epoll_wait(cl->epfd, cl->events, CLIENT_EVENTS, -1);
	if (cl->pwait2) {
		struct timespec timeout = evb_ns_timespec(left - cl->margin_ns);

		return (int)syscall(SYS_epoll_pwait2, cl->epfd, cl->events, CLIENT_EVENTS,
				    &timeout, NULL, 0);
	}
	return epoll_wait(cl->epfd, cl->events, CLIENT_EVENTS, -1);   /* the timerfd */
}
