/*
 * serve_plan_util.h - what the serve planner's tests share: a --list of
 * every mechanism evb-serve has (one of them unsupported), the plan of a
 * profile or preset over it, and cell counting and matching by every axis.
 */
#ifndef EVB_SERVE_PLAN_UTIL_H
#define EVB_SERVE_PLAN_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "claims.h"
#include "family.h"
#include "plan.h"

extern const struct harness_mech sp_mechs[];
extern const size_t sp_nmechs;
/* epoll/lt, io_uring/poll and /multishot (on a ring), threads: with traits. */
extern const struct harness_mech sp_listed[4];

struct harness_plan sp_plan_of(enum harness_profile profile, const char *preset, int *ret);
/* Serve cells of mech/variant/mode (NULL: any). */
size_t sp_count(const struct harness_plan *p, const char *mech, const char *variant,
		const char *mode);
/* Does cell c have exactly the axes of want (NULL: empty)? */
bool sp_cell_is(const struct harness_cell *c, const struct claim_cell *want);
size_t sp_count_cell(const struct harness_plan *p, const struct claim_cell *want);
bool sp_same_axes(const struct harness_cell *a, const struct harness_cell *b);
bool sp_every_cell_once(const struct harness_plan *p);
/* Every cell of part is a cell of whole. */
bool sp_holds_all(const struct harness_plan *whole, const struct harness_plan *part);

#endif
