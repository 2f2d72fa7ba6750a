/*
 * plan_mux.c - which mux cells each profile runs.
 *
 * Every mechanism x variant the driver lists gets every part below.  The
 * nfds sweep goes to 1,000,000 in standard and full: a cell the fd limits
 * cannot hold is a skipped row the driver makes in a few milliseconds,
 * before it opens anything, so the report shows where the machine stopped.
 * The default fd type is eventfd (one fd per watched fd: the most that fit a
 * limit); wakeup and loop put side B on another CPU (cross-cpu); scan and
 * register run A alone, pinned (same-cpu).
 *
 *   part       what                                        smoke     quick       standard            full
 *   scan       nfds sweep, active 1 / 10% / 100%           100,1100  1..10k, 1   1..1M, all three    1..1M, all; every fd type
 *   wakeup     nfds sweep, one fd per round                100       1,1k,10k    1..100k             1..1M; 3 placements, 2 ipc, fd types
 *   loop       nfds 1000, active 1 / 10% / 100%            100, 10   1000: 1,100 1000: all three     + nfds 10k; placements, ipc, fd types
 *   register   nfds sweep: ns and bytes per fd             100       100, 10k    100..100k           1..1M, every fd type
 *   2 threads  scan, select/bigset, poll, epoll/lt, active  -         1..10k      1..10k              1..10k
 *              1, eventfd, with an idle thread beside
 *   seed-table select, poll, epoll; tcp; --ipc process;    -         -           yes                 yes
 *              1k/10k/100k fds, 10% active; scan and
 *              register (the published table's cells)
 *
 * Counts come from a cost model per call (below), so each cell measures for
 * about `budget_ns` whatever nfds is, but never fewer samples than a p50
 * needs (20: scan 24, wakeup 30, register 20, as a round is never lost): standard is about 25 s of cells per
 * repetition on a 2-CPU VM (5 reps: ~2 min), quick about 15 s (2 reps),
 * smoke about 3 s.  Presets (seed-table, fd-limits): plan_mux_presets.c.
 * An io_uring variant's cells run once per setup (plan_uring.h): default
 * and defer (full: coop too); in smoke default, and defer for multishot.
 */
#include <errno.h>
#include <string.h>

#include "evb_peer.h"
#include "evb_placement.h"
#include "plan.h"
#include "plan_mux.h"
#include "plan_uring.h"
#include "family.h"

/* The shared name tables, in their order (evb_placement.h, evb_peer.h). */
static const char *const *const fd_types = evb_fd_type_names;
static const char *const *const placements = evb_placement_names;
static const char *const *const ipcs = evb_ipc_names;

static const char *const mode_names[] = { "scan", "wakeup", "loop", "register" };

static const int64_t smoke_scan[] = { 100, 1100 };
static const int64_t smoke_100[] = { 100 };
static const int64_t quick_scan[] = { 1, 10, 100, 1000, 10000 };
static const int64_t quick_wakeup[] = { 1, 1000, 10000 };
static const int64_t quick_register[] = { 100, 10000 };
static const int64_t loop_1000[] = { 1000 };
static const int64_t loop_full[] = { 1000, 10000 };
static const int64_t sweep[] = { 1, 10, 100, 1000, 10000, 100000, 1000000 };
static const int64_t sweep_wakeup[] = { 1, 100, 1000, 10000, 100000 };
static const int64_t sweep_register[] = { 100, 1000, 10000, 100000 };

#define SWEEP(name, list) .name = list, .n_##name = COUNT_OF(list)

static const struct mux_profile profiles[] = {
	[HARNESS_SMOKE] = {
		SWEEP(scan_nfds, smoke_scan), .scan_active = 0x1,
		SWEEP(wakeup_nfds, smoke_100),
		SWEEP(loop_nfds, smoke_100), .loop_active = 0x2,
		SWEEP(register_nfds, smoke_100),
		.budget_ns = 15 * MS, .loop_events = 500,
		.profile = HARNESS_SMOKE,
	},
	[HARNESS_QUICK] = {
		SWEEP(scan_nfds, quick_scan), .scan_active = 0x1,
		SWEEP(wakeup_nfds, quick_wakeup),
		SWEEP(loop_nfds, loop_1000), .loop_active = 0x3,
		SWEEP(register_nfds, quick_register),
		.budget_ns = 30 * MS, .loop_events = 5000, .cpu_events = 50000,
		.scan_two_threads = true,
		.profile = HARNESS_QUICK,
	},
	[HARNESS_STANDARD] = {
		SWEEP(scan_nfds, sweep), .scan_active = 0x7,
		SWEEP(wakeup_nfds, sweep_wakeup),
		SWEEP(loop_nfds, loop_1000), .loop_active = 0x7,
		SWEEP(register_nfds, sweep_register),
		.budget_ns = 40 * MS, .loop_events = 5000, .cpu_events = 50000, .seed = true,
		.scan_two_threads = true,
		.profile = HARNESS_STANDARD,
	},
	[HARNESS_FULL] = {
		SWEEP(scan_nfds, sweep), .scan_active = 0x7,
		SWEEP(wakeup_nfds, sweep),
		SWEEP(loop_nfds, loop_full), .loop_active = 0x7,
		SWEEP(register_nfds, sweep),
		.budget_ns = 500 * MS, .loop_events = 100000, .cpu_events = 300000, .seed = true,
		.every_axis = true, .scan_two_threads = true,
		.profile = HARNESS_FULL,
	},
};



/*
 * Cost model, ns per call, generous on purpose (a cell that runs short is
 * only less precise; one that runs long breaks the budget).  Measured on a
 * 2-CPU VM: poll/select ~60 ns per eventfd (~160 per tcp socket), epoll
 * ~0.5 us + ~150 ns per ready fd, a re-arm (EPOLL_CTL_MOD, POLL_ADD SQE)
 * ~0.6 us, an edge mechanism's untimed drain and write ~2 us per active fd,
 * a cross-CPU wakeup ~30 us, epoll_ctl ADD + DEL ~2 us per fd.
 */
enum cost_kind { COST_SCANS, COST_READY, COST_REARM, COST_EDGE };

/*
 * The variant's cost class, as the mechanism declares it in --list's traits
 * ("cost=scan|ready|rearm|edge", evb-mux's mux.h).  No or an unknown class
 * counts as a scan: O(nfds), the most generous.
 */
static enum cost_kind cost_kind(const struct harness_mech *m)
{
	static const char *const words[] = {
		[COST_SCANS] = "cost=scan",
		[COST_READY] = "cost=ready",
		[COST_REARM] = "cost=rearm",
		[COST_EDGE] = "cost=edge",
	};

	for (const char *w = m->traits; *w; ) {
		size_t len = strcspn(w, " ");

		for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
			if (strlen(words[k]) == len && !strncmp(w, words[k], len))
				return (enum cost_kind)k;
		w += len;
		w += strspn(w, " ");
	}
	return COST_SCANS;
}

static int64_t call_cost_ns(const struct harness_mech *m, const char *fd_type, int64_t nfds,
			    int64_t active)
{
	static const int64_t per_ready[] = { 300, 200, 1000, 3000 };
	int64_t per_fd = strcmp(fd_type, "tcp") == 0 ? 200 : 80;
	enum cost_kind kind = cost_kind(m);
	int64_t cost = 2 * US + per_ready[kind] * active;

	if (kind == COST_SCANS)
		cost += per_fd * nfds;
	return cost;
}

/*
 * Memory per watched descriptor, kernel and driver, with a third to spare:
 * measured here as the slab growth per object opened (eventfd 290 B, pipe
 * 2.1 KB, socketpair 4.4 KB, a loopback TCP pair 7.4 KB), plus the driver's
 * per-fd arrays and the epoll/io_uring entry (~0.2 KB).
 */
static int64_t fd_bytes(const char *fd_type)
{
	if (!strcmp(fd_type, "pipe"))
		return 3 * 1024;
	if (!strcmp(fd_type, "socketpair"))
		return 6 * 1024;
	if (!strcmp(fd_type, "tcp"))
		return 10 * 1024;
	return 1024;
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Active counts for a sweep point: 1, 10% and 100% as selected, distinct. */
static size_t actives(unsigned sel, int64_t nfds, int64_t out[3])
{
	const int64_t want[3] = { 1, nfds / 10 ? nfds / 10 : 1, nfds };
	size_t n = 0;

	for (int i = 0; i < 3; i++) {
		bool seen = false;

		if (!(sel & (1u << i)))
			continue;
		for (size_t k = 0; k < n; k++)
			seen |= out[k] == want[i];
		if (!seen)
			out[n++] = want[i];
	}
	return n;
}


int plan_mux_add_cell(struct harness_plan *plan, const struct mux_profile *p,
		      const struct harness_mech *m, int mode, const struct mux_axes *a)
{
	struct harness_cell cell;
	int64_t cost, iterations;

	harness_cell_init(&cell, "mux");
	evb_row_set(&cell.axes, mechanism, m->mechanism);
	evb_row_set(&cell.axes, variant, m->variant);
	evb_row_set(&cell.axes, mode, mode_names[mode]);
	evb_row_set(&cell.axes, ipc, a->ipc);
	evb_row_set(&cell.axes, placement, a->placement);
	evb_row_set(&cell.axes, fd_type, a->fd_type);
	cell.axes.nfds = a->nfds;
	cell.axes.active = a->active;
	cell.axes.threads = mode == SCAN ? (a->threads ? a->threads : 1) : EVB_NA;
	cell.mem_bytes = a->nfds * fd_bytes(a->fd_type);
	switch (mode) {
	case SCAN:
		cost = call_cost_ns(m, a->fd_type, a->nfds, a->active);
		iterations = clamp(p->budget_ns / cost, 24, 20000);
		break;
	case WAKEUP:
		cost = 50 * US + 2 * call_cost_ns(m, a->fd_type, a->nfds, 1);
		iterations = clamp(p->budget_ns / cost, 30, 2000);
		break;
	case LOOP:
		/* ~20 us per event at worst, plus a wake-up of the loop and of
		 * the writer (who sleeps when it holds no token) shared by the
		 * tokens in flight, ~40 us each across CPUs, plus a scan of every
		 * fd per wait for the O(n) kind (one busy fd: one wait an event). */
		cost = 20 * US + 80 * US / a->active;
		if (cost_kind(m) == COST_SCANS)
			cost += 80 * a->nfds / a->active;
		iterations = clamp(3 * p->budget_ns / cost, 500, p->loop_events);
		if (p->cpu_events && a->nfds == 1000 && a->active == 100 &&
		    !strcmp(a->fd_type, "eventfd"))
			iterations = p->cpu_events;
		break;
	default:
		cost = 3 * US * a->nfds;   /* one add + remove round */
		/* a round is one sample and cannot be lost: 20 hold a p50 */
		iterations = clamp(p->budget_ns / cost, 20, 2000);
		break;
	}
	cell.iterations = iterations;
	cell.warmup = clamp(iterations / 10, 1, mode == LOOP ? 1000 : 200);
	/* Generous: 5x the model, plus opening up to 100,000 fds or connections. */
	cell.timeout_ns = 20 * S + 5 * cost * (iterations + cell.warmup);
	cell.hist = mode != LOOP;
	/* Cross-checked: poll, a call long enough (~50 us) that the
	 * verification around it is noise, so the slope should match the mean
	 * sample; and epoll, where a ~0.5 us call shows how much the untimed
	 * verification of each ready set adds per iteration. */
	cell.crosscheck = p->budget_ns >= 40 * MS && mode == SCAN && a->nfds == 1000 &&
			  a->active == 1 && !strcmp(a->fd_type, "eventfd") &&
			  !strcmp(a->ipc, "thread") && a->threads <= 1 &&
			  (!strcmp(m->mechanism, "poll") ||
			   (!strcmp(m->mechanism, "epoll") && !strcmp(m->variant, "lt")));
	return plan_uring_add(plan, &cell, m, p->profile,
			      !strcmp(m->mechanism, "io_uring") && !strcmp(m->variant, "multishot"));
}

/* The scan's two-thread cells: the O(n) scans and epoll (plan_mux.h). */
static const char *const two_thread_mechs[][2] = {
	{ "select", "bigset" }, { "poll", "" }, { "epoll", "lt" },
};

static int plan_two_threads(struct harness_plan *plan, const struct mux_profile *p,
			    const struct harness_mech *m)
{
	bool listed = false;

	for (size_t i = 0; i < COUNT_OF(two_thread_mechs); i++)
		listed |= !strcmp(m->mechanism, two_thread_mechs[i][0]) &&
			  !strcmp(m->variant, two_thread_mechs[i][1]);
	if (!p->scan_two_threads || !listed)
		return 0;
	for (size_t k = 0; k < p->n_scan_nfds; k++) {
		struct mux_axes a = {
			.fd_type = "eventfd", .ipc = "thread", .placement = "same-cpu",
			.nfds = p->scan_nfds[k], .active = 1, .threads = 2,
		};

		if (p->scan_nfds[k] <= 10000 && plan_mux_add_cell(plan, p, m, SCAN, &a))
			return -ENOMEM;
	}
	return 0;
}

int plan_mux_scan(struct harness_plan *plan, const struct mux_profile *p,
		  const struct harness_mech *m)
{
	size_t ntypes = p->every_axis ? EVB_NFD_TYPES : 1;

	for (size_t t = 0; t < ntypes; t++)
		for (size_t k = 0; k < p->n_scan_nfds; k++) {
			int64_t act[3];
			size_t na = actives(p->scan_active, p->scan_nfds[k], act);

			for (size_t i = 0; i < na; i++) {
				struct mux_axes a = {
					.fd_type = fd_types[t], .ipc = "thread",
					.placement = "same-cpu", .nfds = p->scan_nfds[k],
					.active = act[i],
				};

				if (plan_mux_add_cell(plan, p, m, SCAN, &a))
					return -ENOMEM;
			}
		}
	return plan_two_threads(plan, p, m);
}

/* wakeup and loop: B on another CPU; full: every placement x ipc x fd type. */
static int plan_two_sided(struct harness_plan *plan, const struct mux_profile *p,
			  const struct harness_mech *m, int mode)
{
	const int64_t *nfds = mode == WAKEUP ? p->wakeup_nfds : p->loop_nfds;
	size_t n = mode == WAKEUP ? p->n_wakeup_nfds : p->n_loop_nfds;
	size_t ntypes = p->every_axis ? EVB_NFD_TYPES : 1;

	for (size_t t = 0; t < ntypes; t++)
		for (size_t ipc = 0; ipcs[ipc] && (p->every_axis || !ipc); ipc++)
			for (size_t pl = 0; pl < EVB_NPLACEMENTS; pl++) {
				if (!p->every_axis && pl != EVB_PLACE_CROSS_CPU)
					continue;   /* cross-cpu only */
				for (size_t k = 0; k < n; k++) {
					int64_t act[3] = { 1 };
					size_t na = mode == WAKEUP ? 1
						    : actives(p->loop_active, nfds[k], act);

					for (size_t i = 0; i < na; i++) {
						struct mux_axes a = {
							.fd_type = fd_types[t], .ipc = ipcs[ipc],
							.placement = placements[pl],
							.nfds = nfds[k], .active = act[i],
						};

						if (plan_mux_add_cell(plan, p, m, mode, &a))
							return -ENOMEM;
					}
				}
			}
	return 0;
}

static int plan_register(struct harness_plan *plan, const struct mux_profile *p,
			 const struct harness_mech *m)
{
	size_t ntypes = p->every_axis ? EVB_NFD_TYPES : 1;

	for (size_t t = 0; t < ntypes; t++)
		for (size_t k = 0; k < p->n_register_nfds; k++) {
			struct mux_axes a = {
				.fd_type = fd_types[t], .ipc = "thread", .placement = "same-cpu",
				.nfds = p->register_nfds[k], .active = EVB_NA,
			};

			if (plan_mux_add_cell(plan, p, m, REGISTER, &a))
				return -ENOMEM;
		}
	return 0;
}

int plan_mux(struct harness_plan *plan, const struct harness_plan_req *req,
	     const struct harness_mech *mechs, size_t nmechs)
{
	const struct mux_profile *p = &profiles[req->profile];

	if (req->preset)
		return plan_mux_preset(plan, req->preset, p, mechs, nmechs);
	for (size_t m = 0; m < nmechs; m++) {
		if (plan_mux_scan(plan, p, &mechs[m]) ||
		    plan_two_sided(plan, p, &mechs[m], WAKEUP) ||
		    plan_two_sided(plan, p, &mechs[m], LOOP) ||
		    plan_register(plan, p, &mechs[m]))
			return -ENOMEM;
	}
	return p->seed ? plan_mux_seed(plan, p, mechs, nmechs) : 0;
}
