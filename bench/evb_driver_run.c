/*
 * evb_driver_run.c - the part of a run every driver ends the same way: the
 * one row leaving the process from main or from the watchdog
 * (evb_driver_end), and the row's figures that do not depend on the family
 * (where its sides ran, context switches per operation, peak RSS).
 */
#include <stdio.h>
#include <sys/resource.h>

#include "evb_driver.h"
#include "evb_topology.h"

int evb_driver_end_emit(const struct evb_driver_end *end, const struct evb_row *row)
{
	return evb_driver_emit_once(end->opts, row, end->hist, end->emitted);
}

void evb_driver_end_reason(const struct evb_driver_end *end, struct evb_row *row,
			   const char *why)
{
	char progress[160] = "";

	if (end->progress)
		end->progress(end->arg, progress, sizeof(progress));
	if (end->errors)
		evb_side_errors_reason(end->errors, row, why, progress);
	else
		evb_row_reason(row, "%s (%s)", why, progress);
}

void evb_driver_end_fire(void *arg, int timed_out, const char *why)
{
	const struct evb_driver_end *end = arg;
	/* A copy: main may still be writing its row. */
	struct evb_row row = *end->row;

	evb_driver_end_reason(end, &row, why);
	evb_driver_abandon(end->opts, &row, timed_out, end->emitted);
}

void evb_driver_row_cpus(struct evb_row *row, const struct evb_cpus *cpus)
{
	evb_cpus_format(cpus, row->cpus, sizeof(row->cpus));
	evb_row_set(row, cpu_distance,
		    evb_cpu_distance_names[evb_cpu_distance(EVB_SYSFS_ROOT, cpus->a, cpus->b)]);
}

void evb_driver_row_switches(struct evb_row *row, const struct evb_usage *a,
			     const struct evb_usage *b, double ops)
{
	if (ops <= 0)
		return;
	row->vcsw_a_per_op = (double)a->vcsw / ops;
	row->ivcsw_a_per_op = (double)a->ivcsw / ops;
	if (!b)
		return;
	row->vcsw_b_per_op = (double)b->vcsw / ops;
	row->ivcsw_b_per_op = (double)b->ivcsw / ops;
}

void evb_driver_row_rss(struct evb_row *row, bool children)
{
	struct rusage self, kids;

	if (getrusage(RUSAGE_SELF, &self))
		return;
	row->max_rss_kb = self.ru_maxrss;
	if (children && getrusage(RUSAGE_CHILDREN, &kids) == 0)
		row->max_rss_kb += kids.ru_maxrss;
}

void evb_driver_usage_delta(struct evb_usage *d, const struct evb_usage *now,
			    const struct evb_usage *before)
{
	d->user_ns = now->user_ns - before->user_ns;
	d->sys_ns = now->sys_ns - before->sys_ns;
	d->vcsw = now->vcsw - before->vcsw;
	d->ivcsw = now->ivcsw - before->ivcsw;
	d->cpu_ns = now->cpu_ns - before->cpu_ns;
}
