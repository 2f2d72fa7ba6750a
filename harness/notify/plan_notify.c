/*
 * plan_notify.c - which notify cells each profile runs.
 *
 * Every mechanism x variant the driver lists, in both ipc kinds and all
 * three placements, is measured in pingpong, wakeup and burst (smoke and
 * quick take a subset); the exit-* mechanisms in mode exit (mode_fits).
 * Counts are sized so that the standard profile's notify part takes about
 * 2 minutes on a 2-CPU VM, where a cross-CPU round trip costs ~80 us:
 *
 *   profile   pingpong  wakeup  burst    placements            reps
 *   (exit: as many as wakeup, processes, on one CPU and on two)
 *   smoke        100      50     1000    cross-cpu, thread        1
 *   quick        500     200    10000    same-cpu, cross-cpu      2
 *   standard    1000     500    10000    all three                5
 *   full       20000   10000   100000    all three               10
 *
 * The burst cells with --ipc process --placement free send 100,000 in every
 * profile from quick up: that is the claim being tested ("a sender that
 * kill()s SIGUSR1 100,000 times and a receiver that counts them").
 *
 * The wake-up paths of newer kernels (variants whose --list traits say
 * scope=wake: futex2, futex_waitv, the io_uring ways) answer "how do I
 * wake a thread, or its event loop": below the full profile they are
 * measured between threads, on one CPU and on two, in pingpong and wakeup,
 * with one burst between threads on two CPUs to check their counts.  Ring
 * variants run once per io_uring setup (plan_uring.h).
 */
#include <errno.h>
#include <string.h>

#include "evb_peer.h"
#include "evb_placement.h"
#include "plan.h"
#include "plan_uring.h"
#include "family.h"

/* The shared name tables, in their order (evb_placement.h, evb_peer.h). */
static const char *const *const placements = evb_placement_names;
static const char *const *const ipcs = evb_ipc_names;

#define CLAIM_BURST 100000

struct notify_counts {
	int64_t pingpong, wakeup, burst;
	unsigned placements;   /* bit i: placements[i] */
	unsigned ipcs;         /* bit 0 thread, bit 1 process */
	unsigned modes;        /* bit 0 pingpong, 1 wakeup, 2 burst */
};

static const struct notify_counts profile_counts[] = {
	[HARNESS_SMOKE] = { 100, 50, 1000, 1u << 1, 1u, 0xd },
	[HARNESS_QUICK] = { 500, 200, 10000, 0x3, 0x3, 0xf },
	[HARNESS_STANDARD] = { 1000, 500, 10000, 0x7, 0x3, 0xf },
	[HARNESS_FULL] = { 20000, 10000, 100000, 0x7, 0x3, 0xf },
};

enum { MODE_EXIT = 3 };
static const char *const modes[] = { "pingpong", "wakeup", "burst", "exit" };

/*
 * Mode exit is the exit-* mechanisms' only mode (their trait mode=exit):
 * a child per sample, so between processes, on one CPU and on two, as
 * many samples as wakeup.
 */
static bool mode_fits(const struct harness_mech *m, int mode, int ipc, int place)
{
	bool exit_mech = strstr(m->traits, "mode=exit") != NULL;

	if (exit_mech != (mode == MODE_EXIT))
		return false;
	return mode != MODE_EXIT || (ipc == 1 && place != EVB_PLACE_FREE);
}

/* A scope=wake variant's cells below the full profile (see the top). */
static bool wake_scope_cell(int mode, int ipc, int place)
{
	if (ipc != 0)
		return false;                        /* threads */
	if (mode == 2)
		return place == EVB_PLACE_CROSS_CPU;  /* one burst, for the counts */
	return place == EVB_PLACE_SAME_CPU || place == EVB_PLACE_CROSS_CPU;
}

int plan_notify(struct harness_plan *plan, const struct harness_plan_req *req,
		const struct harness_mech *mechs, size_t nmechs)
{
	const struct notify_counts *c = &profile_counts[req->profile];

	if (req->preset)
		return 0;   /* no notify presets */
	for (int mode = 0; mode < 4; mode++) {
		if (!(c->modes & (1u << mode)))
			continue;
		for (size_t m = 0; m < nmechs; m++)
			for (int ipc = 0; ipcs[ipc]; ipc++)
				for (int place = 0; place < EVB_NPLACEMENTS; place++) {
					struct harness_cell cell;
					int64_t n = mode == 0 ? c->pingpong
						  : mode == 2 ? c->burst : c->wakeup;

					/* exit: processes in every profile */
					if ((mode != MODE_EXIT && !(c->ipcs & (1u << ipc))) ||
					    !(c->placements & (1u << place)) ||
					    !mode_fits(&mechs[m], mode, ipc, place))
						continue;
					if (req->profile != HARNESS_FULL &&
					    strstr(mechs[m].traits, "scope=wake") &&
					    !wake_scope_cell(mode, ipc, place))
						continue;
					harness_cell_init(&cell, "notify");
					evb_row_set(&cell.axes, mechanism, mechs[m].mechanism);
					evb_row_set(&cell.axes, variant, mechs[m].variant);
					evb_row_set(&cell.axes, mode, modes[mode]);
					evb_row_set(&cell.axes, ipc, ipcs[ipc]);
					evb_row_set(&cell.axes, placement, placements[place]);
					if (mode == 2 && ipc == 1 && place == 2 &&
					    req->profile != HARNESS_SMOKE)
						n = CLAIM_BURST;
					cell.iterations = n;
					cell.warmup = n / 10 < 1000 ? n / 10 : 1000;
					/* generous: 200 us per operation plus start-up;
					 * 2 ms per fork and exit */
					cell.timeout_ns = 10000000000LL +
						n * (mode == MODE_EXIT ? 2000000LL : 200000LL);
					cell.hist = mode != 2;
					/* Representative cells for the hyperfine cross-check. */
					cell.crosscheck = mode == 0 && ipc == 0 && place == 0 &&
						(!strcmp(mechs[m].mechanism, "pipe") ||
						 !strcmp(mechs[m].mechanism, "futex") ||
						 (!strcmp(mechs[m].mechanism, "eventfd") &&
						  !strcmp(mechs[m].variant, "counter")) ||
						 (!strcmp(mechs[m].mechanism, "signal-handler") &&
						  !strcmp(mechs[m].variant, "rt")));
					if (plan_uring_add(plan, &cell, &mechs[m], req->profile,
							   false))
						return -ENOMEM;
				}
	}
	return 0;
}
