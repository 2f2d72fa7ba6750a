/* evb_sched.c - SCHED_FIFO and timer slack for the calling thread; see evb_sched.h. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "evb_sched.h"

int evb_sched_fifo(int prio, char *reason, size_t reason_len)
{
	struct sched_param param = { .sched_priority = prio };
	int ret = pthread_setschedparam(pthread_self(), SCHED_FIFO, &param);
	struct rlimit rtprio = { 0 };

	if (!ret)
		return 0;
	if (ret == EPERM) {
		getrlimit(RLIMIT_RTPRIO, &rtprio);
		snprintf(reason, reason_len,
			 "SCHED_FIFO priority %d not permitted (needs CAP_SYS_NICE or "
			 "RLIMIT_RTPRIO >= %d, which is %lld here)", prio, prio,
			 rtprio.rlim_cur == RLIM_INFINITY ? -1LL : (long long)rtprio.rlim_cur);
	} else {
		snprintf(reason, reason_len, "SCHED_FIFO priority %d: %s", prio, strerror(ret));
	}
	return -ret;
}

int evb_sched_other(void)
{
	struct sched_param param = { .sched_priority = 0 };

	return -pthread_setschedparam(pthread_self(), SCHED_OTHER, &param);
}

const char *evb_sched_policy_name(void)
{
	struct sched_param param;
	int policy;

	if (pthread_getschedparam(pthread_self(), &policy, &param))
		return "unknown";
	switch (policy) {
	case SCHED_OTHER:
		return "other";
	case SCHED_FIFO:
		return "fifo";
	case SCHED_RR:
		return "rr";
	case SCHED_BATCH:
		return "batch";
	case SCHED_IDLE:
		return "idle";
	default:
		return "unknown";
	}
}

int evb_timer_slack_set(int64_t ns)
{
	if (ns < 1)
		return -EINVAL;
	return prctl(PR_SET_TIMERSLACK, (unsigned long)ns, 0, 0, 0) ? -errno : 0;
}

int64_t evb_timer_slack_get(void)
{
	int ret = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);

	return ret < 0 ? -errno : ret;
}
