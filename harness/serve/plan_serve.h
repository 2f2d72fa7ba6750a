/*
 * plan_serve.h - what plan_serve.c (the profiles' cells) shares with
 * plan_serve_presets.c (the named cell sets).
 */
#ifndef PLAN_SERVE_H
#define PLAN_SERVE_H

#include <stdbool.h>
#include <stdint.h>

#include "plan.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define US 1000LL
#define MS (1000 * US)
#define S (1000 * MS)

/* One cell's axes and counts; rate and arrival NULL for closed. */
struct serve_axes {
	const char *mode;
	const char *placement;
	int64_t connections;
	int64_t active;
	int64_t depth;                /* closed only (EVB_NA open: the row has none) */
	int64_t msg_size;
	int64_t work_ns;              /* the handler's busy work */
	const char *rate;             /* "5000" req/s, or "30%" of the capacity */
	const char *arrival;
	int64_t iterations;
	int64_t warmup;
	const char *const *extra;     /* more driver options, or NULL */
	int64_t slo_ns;               /* capacity: the p99 bound; 0: none */
	const char *uring_setup;      /* one setup only, or NULL: the profile's */
};

/* m is mechanism/variant (variant NULL: any). */
bool plan_serve_is(const struct harness_mech *m, const char *mechanism, const char *variant);
/* The cell of a for m, once per io_uring setup the profile asks for (or
 * a->uring_setup only).  0 or -ENOMEM. */
int plan_serve_add_cell(struct harness_plan *plan, const struct harness_mech *m,
			const struct serve_axes *a, enum harness_profile profile);
/* Closed loop at depth d, cross-cpu or as placed, 64 B. */
struct serve_axes plan_serve_closed(const char *placement, int64_t conns, int64_t active,
				    int64_t depth, int64_t iterations);
/* Open loop, Poisson, cross-cpu, no depth (evb-serve's open rows leave it
 * empty); rate NULL for a capacity search's cells. */
struct serve_axes plan_serve_open(int64_t conns, int64_t active, const char *rate,
				  int64_t iterations);
/* The published server table's mechanisms: select, poll, epoll/lt, io_uring. */
bool plan_serve_in_seed(const struct harness_mech *m);
/*
 * The closed 1,000-connection cells' requests: at 100-150k req/s a window
 * of 0.27-0.4 s, so that /proc/stat's 10 ms ticks give machine_cpu_ns
 * (EVB_MACHINE_CPU_MIN_TICKS per CPU; 20,000 requests fell short).
 */
#define PLAN_SERVE_CLOSED_REQUESTS 40000
/* The curve's offered rates, NULL-terminated (the report reads them too). */
#define PLAN_SERVE_NCURVE 7
extern const char *const plan_serve_curve_rates[PLAN_SERVE_NCURVE + 1];
/*
 * The published server table's cells (the seed-server-table preset, the
 * standard profile's 10,000-connection row): open loop at 5000 req/s,
 * Poisson, 64 B, cross-cpu, 10% of the connections active.  This is their
 * one definition: the plan, the claim, the report's table and the figure
 * all take them from here.
 */
#define PLAN_SERVE_SEED_RATE "5000"
#define PLAN_SERVE_SEED_ARRIVAL "poisson"
#define PLAN_SERVE_SEED_MSG "64"
#define PLAN_SERVE_SEED_PLACEMENT "cross-cpu"
#define PLAN_SERVE_SEED_ACTIVE(conns) ((conns) / 10)
/* Its row at conns connections. */
struct serve_axes plan_serve_seed_axes(int64_t conns);
/* The seed cell of mechanism/variant at conns as harness_find_row's kv
 * (NULL-terminated; every mechanism when m is NULL; uring_setup only when
 * setup is not NULL); its numbers are written into nums. */
#define PLAN_SERVE_SEED_KV 27
void plan_serve_seed_kv(const char *kv[PLAN_SERVE_SEED_KV], char nums[2][24], const char *m,
			const char *v, int64_t conns, const char *setup);

/* A part of a profile or preset: m's cells. */
typedef int (*plan_serve_part_fn)(struct harness_plan *plan, const struct harness_mech *m,
				  enum harness_profile profile);
/* part for every mechanism.  0 or -ENOMEM. */
int plan_serve_each(struct harness_plan *plan, plan_serve_part_fn part,
		    const struct harness_mech *mechs, size_t nmechs, enum harness_profile profile);

/* plan_serve_presets.c: the preset named name's part, NULL when it is not
 * serve's; every preset's in turn with plan_serve_preset_at (NULL past the
 * last). */
plan_serve_part_fn plan_serve_preset(const char *name);
plan_serve_part_fn plan_serve_preset_at(size_t i);

#endif
