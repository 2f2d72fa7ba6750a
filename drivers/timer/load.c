/* load.c - the --load busy sibling thread; see load.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "evb_clock.h"
#include "evb_placement.h"
#include "evb_sys.h"
#include "load.h"

static int load_main(void *arg)
{
	struct timer_load *load = arg;
	int ret = evb_pin_self(load->cpu);
	int64_t start;

	atomic_store(&load->tid, gettid());

	if (ret) {
		evb_barrier_abort(load->start);   /* the waiter must not wait for us */
		return ret;
	}
	if (evb_barrier_wait(load->start))
		return -ECANCELED;
	start = evb_now_ns();
	for (;;) {
		evb_spin_ns(TIMER_LOAD_LAP_NS);   /* busy: no yield, no sleep */
		ret = evb_fd_readable(load->stop_fd);
		if (ret < 0)
			return ret;
		if (ret)
			break;
	}
	load->busy_ns = evb_now_ns() - start;
	return 0;
}

int timer_load_start(struct timer_load *load, int cpu, struct evb_barrier *start)
{
	int ret;

	*load = (struct timer_load){ .cpu = cpu, .start = start };
	load->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (load->stop_fd < 0)
		return -errno;
	/* the sibling pins itself, so a failure to pin still reaches the barrier */
	ret = evb_peer_start(&load->peer, EVB_IPC_THREAD, -1, load_main, load);
	if (ret) {
		close(load->stop_fd);
		return ret;
	}
	return 0;
}

int timer_load_switches(const struct timer_load *load, struct evb_usage *usage)
{
	char path[64], line[128];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", atomic_load(&load->tid));
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		long long value;

		if (sscanf(line, "voluntary_ctxt_switches: %lld", &value) == 1) {
			usage->vcsw = value;
			found++;
		} else if (sscanf(line, "nonvoluntary_ctxt_switches: %lld", &value) == 1) {
			usage->ivcsw = value;
			found++;
		}
	}
	fclose(f);
	return found == 2 ? 0 : -EINVAL;
}

int timer_load_stop(struct timer_load *load, char *reason, size_t reason_len)
{
	int ret;

	/* a sibling still at the start barrier (the waiter gave up) leaves it */
	evb_barrier_abort(load->start);
	ret = evb_eventfd_post(load->stop_fd);
	if (ret) {
		snprintf(reason, reason_len, "load sibling: write(stop eventfd): %s",
			 strerror(-ret));
		return ret;
	}
	ret = evb_peer_join(&load->peer, reason, reason_len);
	if (ret && !reason[0])
		snprintf(reason, reason_len, "load sibling: %s", strerror(-ret));
	close(load->stop_fd);
	return ret;
}
