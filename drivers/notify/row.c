/*
 * row.c - an evb-notify run's row: the figures of the measured phase
 * (samples, counts, context switches per operation, CPU time), the check
 * that decides the status, and how far a run got when it did not finish.
 */
#include <stdatomic.h>
#include <stdio.h>

#include "driver.h"

void notify_fill_row(const struct notify_side_ctx *s, struct evb_row *row)
{
	const struct evb_driver_opts *o = &s->opts->common;
	const struct notify_run *run = s->run;
	enum notify_mode mode = (enum notify_mode)o->mode;

	row->delivered = run->delivered;
	row->wakeups = run->wakeups;
	if (mode == NOTIFY_BURST) {
		row->sent = run->sent;
		row->samples = run->delivered;
		row->wall_ns = run->last_delivery_ns - run->burst_start_ns;
		if (row->wall_ns > 0)
			row->ops_per_s = (double)run->delivered * 1e9 / (double)row->wall_ns;
	} else {
		row->sent = o->iterations;
		row->wall_ns = run->measured_ns;
		evb_row_set_hist(row, &run->hist);
		if (row->wall_ns > 0)
			row->ops_per_s = (double)o->iterations * 1e9 / (double)row->wall_ns;
	}
	row->lost = row->sent - row->delivered;
	row->spurious = atomic_load(&run->spurious);
	/* context switches per operation: round trips, or sends in a burst */
	evb_driver_row_switches(row, &run->usage[SIDE_A], &run->usage[SIDE_B],
				(double)row->sent);
	row->machine_cpu_ns = run->machine_cpu_ns;
	row->cpu_user_ns = run->usage[SIDE_A].user_ns + run->usage[SIDE_B].user_ns;
	row->cpu_sys_ns = run->usage[SIDE_A].sys_ns + run->usage[SIDE_B].sys_ns;
	row->cpu_a_ns = run->usage[SIDE_A].cpu_ns;
	/* exit: B is a child per sample, its CPU not measured */
	row->cpu_b_ns = mode == NOTIFY_EXIT ? EVB_NA : run->usage[SIDE_B].cpu_ns;
	evb_driver_row_rss(row, o->ipc == EVB_IPC_PROCESS);
}

/*
 * The row is ok only when the counts check out (notify.h): a failed row
 * keeps its figures and names the first count that is wrong.
 */
void notify_check_counts(const struct notify_side_ctx *s, struct evb_row *row)
{
	const struct notify_run *run = s->run;
	const struct evb_driver_opts *o = &s->opts->common;
	int variant = evb_driver_variant_index(o);
	bool may_merge = s->ops->may_merge & (1u << variant);

	if ((enum notify_mode)o->mode != NOTIFY_BURST && (enum notify_mode)o->mode != NOTIFY_EXIT &&
	    run->acks != o->iterations)
		evb_row_count_fail(row, "acks %lld of %lld: B's replies did not all arrive",
				   (long long)run->acks, (long long)o->iterations);
	if (run->not_asleep)
		evb_row_count_fail(row, "not asleep %lld of %lld: B was not seen asleep "
				   "within %lld ms before those notifications (exit: A, before "
				   "the children exited)",
				   (long long)run->not_asleep, (long long)o->iterations,
				   EVB_ASLEEP_TIMEOUT_NS / 1000000);
	evb_row_check_counts(row, may_merge ? EVB_MAY_LOSE : 0);
}

/* How far a run got, for the reason of one that did not finish. */
void notify_progress(const void *arg, char *buf, size_t len)
{
	const struct notify_side_ctx *s = arg;

	snprintf(buf, len, "A did %lld, B did %lld of %lld",
		 (long long)atomic_load(&s->run->progress[SIDE_A]),
		 (long long)atomic_load(&s->run->progress[SIDE_B]),
		 (long long)s->opts->common.iterations);
}
