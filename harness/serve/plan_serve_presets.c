/*
 * plan_serve_presets.c - serve's named cell sets:
 *
 *   seed-server-table  the published server table's rows: 1,000 / 10,000 /
 *                      100,000 connections, 10% active, open loop at 5000
 *                      req/s (standard and full have the first two)
 *   io-uring-vs-epoll  the closed-loop maximum and its CPU, 64 B and 4 KiB
 *   saturation         the open loop at fractions of the searched capacity
 * Full runs every one after standard's cells.
 */
#include <errno.h>
#include <string.h>

#include "family.h"
#include "plan_serve.h"

const char *const plan_serve_presets[] = { "seed-server-table", "io-uring-vs-epoll",
					   "saturation", NULL };

/*
 * seed-server-table: the published server table's rows.  100,000
 * connections need more descriptors than this machine's limit allows: a
 * skipped row saying so is the point.
 */
static int plan_seed(struct harness_plan *plan, const struct harness_mech *m,
		     enum harness_profile profile)
{
	static const int64_t conns[] = { 1000, 10000, 100000 };

	if (!plan_serve_in_seed(m))
		return 0;
	for (size_t k = 0; k < COUNT_OF(conns); k++) {
		struct serve_axes a = plan_serve_seed_axes(conns[k]);

		if (plan_serve_add_cell(plan, m, &a, profile))
			return -ENOMEM;
	}
	return 0;
}

/* io-uring-vs-epoll: the closed-loop maximum and its CPU, 64 B and 4 KiB. */
static int plan_uring_epoll(struct harness_plan *plan, const struct harness_mech *m,
			    enum harness_profile profile)
{
	static const int64_t sizes[] = { 64, 4096 };

	if (!plan_serve_is(m, "epoll", NULL) && !plan_serve_is(m, "io_uring", NULL))
		return 0;
	for (size_t k = 0; k < COUNT_OF(sizes); k++) {
		struct serve_axes a = plan_serve_closed("cross-cpu", 1000, 100, 1,
							PLAN_SERVE_CLOSED_REQUESTS);

		a.msg_size = sizes[k];
		if (plan_serve_add_cell(plan, m, &a, profile))
			return -ENOMEM;
	}
	return 0;
}

/*
 * saturation: the open loop at fractions of the capacity the driver searches
 * just before (its closed estimate at depth 16: passed as an extra option,
 * since an open row has no depth axis), with a handler of 10 us
 * (work_ns) so that the server, not the load generator, is what saturates:
 * without it a 64-byte echo is as cheap for the server as for the client,
 * and the client runs out of CPU first (client-bound rows).  Beyond 100% the
 * backlog grows for the whole run, which lasts iterations / achieved rate
 * (20000 requests: about 0.3 s at the maximum, 3 s at 10%).
 */
static int plan_saturation(struct harness_plan *plan, const struct harness_mech *m,
			   enum harness_profile profile)
{
	static const char *const rates[] = { "10%", "30%", "50%", "70%", "90%", "110%",
					     "150%", "300%" };
	static const char *const calibration_depth[] = { "--depth", "16", NULL };

	for (size_t k = 0; k < COUNT_OF(rates); k++) {
		struct serve_axes a = plan_serve_open(100, 10, rates[k], 20000);

		a.extra = calibration_depth;
		a.warmup = 2000;
		a.work_ns = 10000;
		if (plan_serve_add_cell(plan, m, &a, profile))
			return -ENOMEM;
	}
	return 0;
}

static const struct {
	const char *name;
	plan_serve_part_fn plan;
} presets[] = {
	{ "seed-server-table", plan_seed },
	{ "io-uring-vs-epoll", plan_uring_epoll },
	{ "saturation", plan_saturation },
};

plan_serve_part_fn plan_serve_preset(const char *name)
{
	for (size_t p = 0; p < COUNT_OF(presets); p++)
		if (!strcmp(name, presets[p].name))
			return presets[p].plan;
	return NULL;
}

plan_serve_part_fn plan_serve_preset_at(size_t i)
{
	return i < COUNT_OF(presets) ? presets[i].plan : NULL;
}
