/*
 * plan_mux.h - what plan_mux.c (the profiles' cells) shares with
 * plan_mux_presets.c (the named cell sets).
 */
#ifndef PLAN_MUX_H
#define PLAN_MUX_H

#include <stdbool.h>
#include <stdint.h>

#include "plan.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define US 1000LL
#define MS (1000 * US)
#define S (1000 * MS)

enum { SCAN, WAKEUP, LOOP, REGISTER };

struct mux_profile {
	const int64_t *scan_nfds;
	size_t n_scan_nfds;
	unsigned scan_active;           /* bit 0: 1, bit 1: 10%, bit 2: 100% */
	const int64_t *wakeup_nfds;
	size_t n_wakeup_nfds;
	const int64_t *loop_nfds;
	size_t n_loop_nfds;
	unsigned loop_active;
	const int64_t *register_nfds;
	size_t n_register_nfds;
	int64_t budget_ns;              /* measuring time aimed at per cell */
	int64_t loop_events;
	/*
	 * Events of the loop cells the io_uring claim divides (1,000 fds, 100
	 * busy): its CPU figure is the threads' CPU clocks, exact at any
	 * length; these many give the whole machine's /proc/stat figure, shown
	 * beside it, a window of some ticks where the loop is slow enough (a
	 * driver leaves a window under 20 ticks a CPU empty).  0: those cells
	 * as any other.
	 */
	int64_t cpu_events;
	bool seed;                      /* the seed-table cells too */
	/*
	 * The scan sweep up to 10,000 fds once more with an idle second thread
	 * in the scanning process (threads=2), active 1, eventfd, for the
	 * mechanisms of plan_mux.c's two_thread_mechs: what a multi-threaded
	 * server's loop pays for its shared fd table.
	 */
	bool scan_two_threads;
	bool every_axis;                /* fd types, placements, ipc kinds */
	enum harness_profile profile;   /* which io_uring setups (plan_uring.h) */
};


struct mux_axes {
	const char *fd_type;
	const char *ipc;
	const char *placement;
	int64_t nfds;
	int64_t active;       /* EVB_NA: register */
	int64_t threads;      /* scan: threads in the scanning process (0: 1) */
};


/* One cell of mechanism m, counts from the cost model.  0 or -ENOMEM. */
int plan_mux_add_cell(struct harness_plan *plan, const struct mux_profile *p,
		      const struct harness_mech *m, int mode, const struct mux_axes *a);
/* m's scan cells over p's nfds sweep and active set. */
int plan_mux_scan(struct harness_plan *plan, const struct mux_profile *p,
		  const struct harness_mech *m);

/* plan_mux_presets.c: the seed table (also part of standard and full), and
 * the cells of a named preset (0 for another family's preset). */
int plan_mux_seed(struct harness_plan *plan, const struct mux_profile *p,
		  const struct harness_mech *mechs, size_t nmechs);
int plan_mux_preset(struct harness_plan *plan, const char *preset,
		    const struct mux_profile *p, const struct harness_mech *mechs,
		    size_t nmechs);

#endif
