/*
 * plan_mux_presets.c - mux's named cell sets:
 *
 *   seed-table  the published select/poll/epoll table: tcp, --ipc process,
 *               1k/10k/100k fds, 10% active; scan and register (also part
 *               of standard and full)
 *   fd-limits   poll and epoll scanning 100,000 and 1,000,000 eventfds, one
 *               active: the cells a 20,000 fd limit refuses, for a machine
 *               (or `evbench vm` guest) whose limit is raised; each needs
 *               about 1 GiB of memory at 1,000,000 fds
 */
#include <errno.h>
#include <string.h>

#include "evb_sys.h"
#include "family.h"
#include "plan_mux.h"

const char *const plan_mux_presets[] = { "seed-table", "fd-limits", NULL };

/* The published table's comparison: select, poll, epoll over tcp. */
static const char *const seed_mechs[][2] = {
	{ "select", "fdset" }, { "select", "bigset" }, { "poll", "" }, { "epoll", "lt" },
};
static const int64_t seed_nfds[] = { 1000, 10000, 100000 };


/*
 * The seed table shows a p99 per cell, taken from the cell's histogram
 * pooled over its ok repetitions: it needs 1000 samples in all, so each
 * repetition takes at least 1000 / SEED_MIN_REPS (poll at 10,000 tcp fds:
 * ~3 ms a call, 0.6 s a repetition).
 */
#define SEED_MIN_REPS 5

static void raise_tail_samples(struct harness_cell *cell, const struct mux_profile *p)
{
	int64_t need = (1000 + SEED_MIN_REPS - 1) / SEED_MIN_REPS;

	if (p->budget_ns >= 40 * MS && cell->iterations < need) {
		cell->timeout_ns += (cell->timeout_ns - 20 * S) * need / cell->iterations;
		cell->iterations = need;
	}
}

/*
 * The seed table: select, poll and epoll over loopback tcp connections,
 * 10% of them readable, the client ends in side B's process (so 10,000
 * connections fit a 20,000 fd limit).  One scan sample is one wait call; the
 * register cells give the memory per connection beside the table's bytes.
 */
int plan_mux_seed(struct harness_plan *plan, const struct mux_profile *p,
		  const struct harness_mech *mechs, size_t nmechs)
{
	for (size_t s = 0; s < COUNT_OF(seed_mechs); s++)
		for (size_t m = 0; m < nmechs; m++) {
			if (strcmp(mechs[m].mechanism, seed_mechs[s][0]) ||
			    strcmp(mechs[m].variant, seed_mechs[s][1]))
				continue;
			for (size_t k = 0; k < COUNT_OF(seed_nfds); k++) {
				struct mux_axes a = {
					.fd_type = "tcp", .ipc = "process", .placement = "same-cpu",
					.nfds = seed_nfds[k], .active = seed_nfds[k] / 10,
				};

				if (plan_mux_add_cell(plan, p, &mechs[m], SCAN, &a))
					return -ENOMEM;
				raise_tail_samples(&plan->cells[plan->ncells - 1], p);
				a.active = EVB_NA;
				if (plan_mux_add_cell(plan, p, &mechs[m], REGISTER, &a))
					return -ENOMEM;
			}
		}
	return 0;
}


static const int64_t limits_nfds[] = { 100000, 1000000 };

static const struct mux_profile limits_profile = {
	.scan_nfds = limits_nfds, .n_scan_nfds = COUNT_OF(limits_nfds),
	.scan_active = 0x1, .budget_ns = 15 * MS,
};

static int plan_limits(struct harness_plan *plan, const struct harness_mech *mechs,
		       size_t nmechs)
{
	for (size_t m = 0; m < nmechs; m++) {
		bool poll = !strcmp(mechs[m].mechanism, "poll");
		bool epoll = !strcmp(mechs[m].mechanism, "epoll") &&
			     !strcmp(mechs[m].variant, "lt");

		if ((poll || epoll) && plan_mux_scan(plan, &limits_profile, &mechs[m]))
			return -ENOMEM;
	}
	return 0;
}

int plan_mux_preset(struct harness_plan *plan, const char *preset,
		    const struct mux_profile *p, const struct harness_mech *mechs,
		    size_t nmechs)
{
	if (!strcmp(preset, "seed-table"))
		return plan_mux_seed(plan, p, mechs, nmechs);
	if (!strcmp(preset, "fd-limits"))
		return plan_limits(plan, mechs, nmechs);
	return 0;       /* another family's */
}
