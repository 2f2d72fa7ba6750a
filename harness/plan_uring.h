/*
 * plan_uring.h - the io_uring setups a family's plan measures each cell of
 * a ring-based variant with (the uring_setup axis, evb_uring.h).
 *
 * A variant runs on a ring when its --list traits say so
 * ("uring_setup=default,coop,defer"); each of its cells is planned once per
 * setup the profile asks for, of those the driver lists:
 *
 *   smoke            default, and defer for one variant per family (the
 *                    family's plan names it: `pick`)
 *   quick, standard  default and defer: io_uring as it comes, and as its
 *                    authors set it up for a server
 *   full             default, coop and defer
 *
 * Every other mechanism's cells keep the axis empty.
 */
#ifndef HARNESS_PLAN_URING_H
#define HARNESS_PLAN_URING_H

#include <stdbool.h>

#include "plan.h"

/*
 * Append cell once per setup of m under profile (its uring_setup set), or
 * once as it is when m has no ring.  0 or -ENOMEM.
 */
int plan_uring_add(struct harness_plan *plan, struct harness_cell *cell,
		   const struct harness_mech *m, enum harness_profile profile, bool pick);
/*
 * Append cell once, over the one setup named (a part that measures one
 * setup only: serve's latency-throughput curve on defer), when m's ring
 * lists it; as it is (the driver's default setup) when m has no ring or
 * lists no such setup.  0 or -ENOMEM.
 */
int plan_uring_add_setup(struct harness_plan *plan, struct harness_cell *cell,
			 const struct harness_mech *m, const char *setup);

#endif
