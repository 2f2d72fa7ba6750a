/*
 * plan_timer.c - which timer cells each profile runs.
 *
 * A timer cell's wall time is fixed by its schedule: (warmup + iterations)
 * periods, whatever the mechanism does (iterations are periods, not
 * samples).  The harness runs every cell `reps` times, so the budget below
 * is per repetition.  Every cell states all four timer axes (sched, load,
 * slack as "default" = not passed) so the row a driver prints carries the
 * same key as the cell.
 *
 *   part        what                                          periods (smoke/quick/std/full)
 *   core        every mechanism x variant at 1 ms, slack        40 / 200 / 200 / 5000
 *               default and 1 ns (smoke: default only),
 *               SCHED_OTHER, same-cpu (the note's p50/p99 table)
 *   fifo        every mechanism at 1 ms, SCHED_FIFO 80           - / 200 / 200 / 5000
 *               (full: with both slacks)
 *   periods     100 us and 10 ms for PERIOD_MECHS               - / 1000,40 / 2000,40 / 20000,500
 *               (full: every mechanism, both slacks)
 *   load        busy sibling on the waiter's CPU, other and      120 / 200 / 200 / 5000
 *               fifo, for LOAD_MECHS (full: every mechanism,
 *               and cross-cpu, free)
 *   many        timerfd-epoll, timers 2..64 (full: ..1024)       40 / 200 / 300 / 2000
 *   cyclictest  clock-nanosleep abs, 1 ms, free, other, default   - / 500 / 1000 / 20000
 *               slack: the configuration of `cyclictest
 *               --default-system -t1 -i1000`, for the note
 *
 * A period that overruns gives no sample, and a p50 needs 20
 * (evb_row_samples_for): every count is at least twice that, so a cell keeps
 * its p50 when a few periods overrun (smoke's 1-3 of 20 did not; 7 of 40
 * have been seen on a loaded 2-CPU VM), and a loaded cell, where a busy
 * sibling makes about half of them overrun (23 of 40), six times that.
 *
 * A p90 needs 100: standard's 200 keep it when half of a loaded cell's
 * periods overrun.  At 1 ms a standard repetition is about 16 s of schedule
 * (measured 2026-12-02 at 400 periods: 28 s a repetition, 141 s of the
 * standard profile's 744; at 250, 19 s), quick about 13 s (2 reps), smoke
 * under 1 s.
 * Presets (any profile's counts): timer-slack = core, timer-many = many,
 * timer-cyclictest = the cyclictest twin at 10x the profile's count.
 * io_uring-timeout's cells run once per io_uring setup (plan_uring.h):
 * default and defer, full coop too (smoke: default and defer).
 */
#include <errno.h>
#include <string.h>

#include "evb_placement.h"
#include "plan.h"
#include "plan_uring.h"
#include "family.h"

/* The shared name table, in its order (evb_placement.h). */
static const char *const *const placements = evb_placement_names;

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define US 1000LL
#define MS (1000 * US)
#define S (1000 * MS)

/* the one mechanism that takes --timers */
#define MANY_MECH "timerfd-epoll"

struct timer_profile {
	int64_t core;           /* periods per core cell */
	int slacks;             /* core: 1 = default only, 2 = default and 1 ns */
	int64_t fifo;           /* 0: no fifo part */
	int64_t short_periods;  /* at 100 us; 0: no periods part */
	int64_t long_periods;   /* at 10 ms */
	int64_t load;
	int64_t many;
	int64_t many_max;       /* largest --timers */
	int64_t twin;           /* cyclictest twin; 0: none */
	int64_t warmup;
	bool full;              /* every mechanism in every part */
	enum harness_profile profile;   /* which io_uring setups (plan_uring.h) */
};

static const struct timer_profile profiles[] = {
	[HARNESS_SMOKE] = {
		.profile = HARNESS_SMOKE,
		.core = 40, .slacks = 1, .load = 120, .many = 40, .many_max = 4, .warmup = 5,
	},
	[HARNESS_QUICK] = {
		.profile = HARNESS_QUICK,
		.core = 200, .slacks = 2, .fifo = 200, .short_periods = 1000, .long_periods = 40,
		.load = 200, .many = 200, .many_max = 32, .twin = 500, .warmup = 20,
	},
	[HARNESS_STANDARD] = {
		.profile = HARNESS_STANDARD,
		.core = 200, .slacks = 2, .fifo = 200, .short_periods = 2000, .long_periods = 40,
		.load = 200, .many = 300, .many_max = 64, .twin = 1000, .warmup = 20,
	},
	[HARNESS_FULL] = {
		.profile = HARNESS_FULL,
		.core = 5000, .slacks = 2, .fifo = 5000, .short_periods = 20000,
		.long_periods = 500, .load = 5000, .many = 2000, .many_max = 1024,
		.twin = 20000, .warmup = 100, .full = true,
	},
};

/* mechanism/variant pairs the smaller profiles use for the periods and load parts */
static const char *const period_mechs[][2] = {
	{ "clock-nanosleep", "abs" }, { "timerfd", "abs" }, { "epoll-timeout", "" },
	{ "nanosleep", "" },
};
static const char *const load_mechs[][2] = {
	{ "clock-nanosleep", "abs" }, { "timerfd", "abs" }, { "epoll-pwait2", "" },
};

const char *const plan_timer_presets[] = { "timer-slack", "timer-many", "timer-cyclictest",
					   NULL };

/* The axes of one timer cell. */
struct timer_axes {
	const char *placement;
	int64_t period_ns;
	int64_t timers;         /* EVB_NA unless MANY_MECH */
	int64_t slack_ns;       /* EVB_NA: default */
	const char *sched;
	const char *load;
};

static bool is_many(const struct harness_mech *m)
{
	return strcmp(m->mechanism, MANY_MECH) == 0;
}

static bool in_list(const struct harness_mech *m, const char *const list[][2], size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(m->mechanism, list[i][0]) == 0 && strcmp(m->variant, list[i][1]) == 0)
			return true;
	return false;
}

static int add_cell(struct harness_plan *plan, const struct timer_profile *p,
		    const struct harness_mech *m, const struct timer_axes *a, int64_t periods,
		    int64_t warmup)
{
	struct harness_cell cell;

	harness_cell_init(&cell, "timer");
	evb_row_set(&cell.axes, mechanism, m->mechanism);
	evb_row_set(&cell.axes, variant, m->variant);
	evb_row_set(&cell.axes, mode, "lateness");
	evb_row_set(&cell.axes, placement, a->placement);
	cell.axes.period_ns = a->period_ns;
	/* the driver prints timers only for the mechanism that takes it */
	cell.axes.timers = is_many(m) ? (a->timers == EVB_NA ? 1 : a->timers) : EVB_NA;
	cell.axes.timer_slack_ns = a->slack_ns;
	evb_row_set(&cell.axes, sched, a->sched);
	evb_row_set(&cell.axes, load, a->load);
	cell.iterations = periods;
	cell.warmup = warmup;
	/* the schedule's own length twice over, plus start-up */
	cell.timeout_ns = 10 * S + 2 * (periods + warmup + 1) * a->period_ns;
	cell.hist = true;
	/* one ring-based mechanism: smoke measures both of its setups too */
	return plan_uring_add(plan, &cell, m, p->profile, true) ? -ENOMEM : 0;
}

static const struct timer_axes base_axes = {
	.placement = "same-cpu",
	.period_ns = 1 * MS,
	.timers = EVB_NA,
	.slack_ns = EVB_NA,
	.sched = "other",
	.load = "none",
};

/* Every mechanism at 1 ms with the default and a 1 ns slack. */
static int plan_core(struct harness_plan *plan, const struct timer_profile *p,
		     const struct harness_mech *mechs, size_t nmechs)
{
	static const int64_t slacks[] = { EVB_NA, 1 };

	for (size_t m = 0; m < nmechs; m++)
		for (int s = 0; s < p->slacks; s++) {
			struct timer_axes a = base_axes;

			a.slack_ns = slacks[s];
			if (add_cell(plan, p, &mechs[m], &a, p->core, p->warmup))
				return -ENOMEM;
		}
	return 0;
}

static int plan_fifo(struct harness_plan *plan, const struct timer_profile *p,
		     const struct harness_mech *mechs, size_t nmechs)
{
	for (size_t m = 0; p->fifo && m < nmechs; m++) {
		struct timer_axes a = base_axes;

		a.sched = "fifo";
		if (add_cell(plan, p, &mechs[m], &a, p->fifo, p->warmup))
			return -ENOMEM;
		/* the kernel gives real-time threads no slack: full shows it */
		a.slack_ns = 1;
		if (p->full && add_cell(plan, p, &mechs[m], &a, p->fifo, p->warmup))
			return -ENOMEM;
	}
	return 0;
}

static int plan_periods(struct harness_plan *plan, const struct timer_profile *p,
			const struct harness_mech *mechs, size_t nmechs)
{
	for (size_t m = 0; p->short_periods && m < nmechs; m++) {
		if (!p->full && !in_list(&mechs[m], period_mechs, COUNT_OF(period_mechs)))
			continue;
		for (int slack = 0; slack < (p->full ? 2 : 1); slack++) {
			struct timer_axes a = base_axes;

			a.slack_ns = slack ? 1 : EVB_NA;
			a.period_ns = 100 * US;
			if (add_cell(plan, p, &mechs[m], &a, p->short_periods, p->warmup * 10))
				return -ENOMEM;
			a.period_ns = 10 * MS;
			if (add_cell(plan, p, &mechs[m], &a, p->long_periods, p->warmup / 4 + 1))
				return -ENOMEM;
		}
	}
	return 0;
}

/* A busy sibling on the waiter's CPU (full: also another CPU, and unpinned). */
static int plan_load(struct harness_plan *plan, const struct timer_profile *p,
		     const struct harness_mech *mechs, size_t nmechs, enum harness_profile profile)
{
	static const char *const scheds[] = { "other", "fifo" };

	for (size_t m = 0; m < nmechs; m++) {
		if (!p->full && !in_list(&mechs[m], load_mechs, COUNT_OF(load_mechs)))
			continue;
		for (int s = 0; s < 2; s++)
			for (int pl = 0; pl < (p->full ? EVB_NPLACEMENTS : 1); pl++) {
				struct timer_axes a = base_axes;

				/* smoke: one loaded cell per listed mechanism, no fifo */
				if (profile == HARNESS_SMOKE && s)
					continue;
				a.sched = scheds[s];
				a.load = "busy";
				a.placement = placements[pl];
				if (add_cell(plan, p, &mechs[m], &a, p->load, p->warmup))
					return -ENOMEM;
			}
	}
	return 0;
}

/* timerfd-epoll with 2, 4, ... timers (1 is in the core part). */
static int plan_many(struct harness_plan *plan, const struct timer_profile *p,
		     const struct harness_mech *mechs, size_t nmechs, bool with_one)
{
	for (size_t m = 0; m < nmechs; m++) {
		if (!is_many(&mechs[m]))
			continue;
		for (int64_t n = with_one ? 1 : 2; n <= p->many_max; n *= 2) {
			struct timer_axes a = base_axes;

			a.timers = n;
			if (add_cell(plan, p, &mechs[m], &a, p->many, p->warmup))
				return -ENOMEM;
		}
	}
	return 0;
}

/* clock-nanosleep abs as `cyclictest --default-system -t1 -i1000` runs it. */
static int plan_twin(struct harness_plan *plan, const struct timer_profile *p,
		     int64_t periods, int64_t warmup, const struct harness_mech *mechs,
		     size_t nmechs)
{
	static const char *const twin[][2] = { { "clock-nanosleep", "abs" } };

	for (size_t m = 0; periods && m < nmechs; m++) {
		struct timer_axes a = base_axes;

		if (!in_list(&mechs[m], twin, 1))
			continue;
		a.placement = "free";
		if (add_cell(plan, p, &mechs[m], &a, periods, warmup))
			return -ENOMEM;
	}
	return 0;
}

/* Is name a preset of any family? */
static bool any_family_preset(const char *name)
{
	for (size_t f = 0; f < harness_nfamilies; f++)
		for (size_t i = 0; harness_families[f]->presets && harness_families[f]->presets[i];
		     i++)
			if (strcmp(harness_families[f]->presets[i], name) == 0)
				return true;
	return false;
}

int plan_timer(struct harness_plan *plan, const struct harness_plan_req *req,
	       const struct harness_mech *mechs, size_t nmechs)
{
	const struct timer_profile *p = &profiles[req->profile];
	int64_t twin = p->twin ? p->twin : 1000;

	if (req->preset) {
		if (strcmp(req->preset, "timer-slack") == 0)
			return plan_core(plan, p, mechs, nmechs);
		if (strcmp(req->preset, "timer-many") == 0)
			return plan_many(plan, p, mechs, nmechs, true);
		if (strcmp(req->preset, "timer-cyclictest") == 0)
			return plan_twin(plan, p, 10 * twin, p->warmup, mechs, nmechs);
		return any_family_preset(req->preset) ? 0 : -EINVAL;
	}
	if (plan_core(plan, p, mechs, nmechs) || plan_fifo(plan, p, mechs, nmechs) ||
	    plan_periods(plan, p, mechs, nmechs) ||
	    plan_load(plan, p, mechs, nmechs, req->profile) ||
	    plan_many(plan, p, mechs, nmechs, false) ||
	    plan_twin(plan, p, p->twin, p->warmup, mechs, nmechs))
		return -ENOMEM;
	return 0;
}
