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
		char limit[32] = "unlimited";

		if (getrlimit(RLIMIT_RTPRIO, &rtprio) == 0 && rtprio.rlim_cur != RLIM_INFINITY)
			snprintf(limit, sizeof(limit), "%llu", (unsigned long long)rtprio.rlim_cur);
		snprintf(reason, reason_len,
			 "SCHED_FIFO priority %d not permitted (needs CAP_SYS_NICE or "
			 "RLIMIT_RTPRIO >= %d, which is %s here)", prio, prio, limit);
	} else {
		snprintf(reason, reason_len, "SCHED_FIFO priority %d: %s", prio, strerror(ret));
	}
	return -ret;
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
