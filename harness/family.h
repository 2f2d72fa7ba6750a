/*
 * family.h - what each family of families.cmake may define, declared once
 * for all of them from EVB_FAMILIES, so that the file defining a family's
 * function and the file taking its address (family_<f>.c) are both checked
 * against one prototype.  A family defines the ones it has:
 *
 *   plan_<f>           plan_<f>.c      its cells for a profile or preset
 *   plan_<f>_presets   plan_<f>.c      its preset names (NULL-terminated)
 *   figures_<f>        figures_<f>.c   its figures
 *   report_<f>         report_<f>.c    its report section
 *   claims_<f>         claims_<f>.c    its claims (NULL-terminated)
 *   <f>_family         family_<f>.c    the struct harness_family naming them
 */
#ifndef HARNESS_FAMILY_H
#define HARNESS_FAMILY_H

#include <stddef.h>

#include "evb_families.h"

struct harness_plan;
struct harness_plan_req;
struct harness_mech;
struct harness_figctx;
struct report_ctx;
struct claim;
struct harness_family;

#define HARNESS_FAMILY_DECLARE(f)                                                 \
	int plan_##f(struct harness_plan *plan, const struct harness_plan_req *req,   \
		     const struct harness_mech *mechs, size_t nmechs);                \
	extern const char *const plan_##f##_presets[];                                \
	int figures_##f(const struct harness_figctx *ctx);                            \
	void report_##f(const struct report_ctx *ctx);                                \
	extern const struct claim *const claims_##f[];                                \
	extern const struct harness_family f##_family;
EVB_FAMILIES(HARNESS_FAMILY_DECLARE)
#undef HARNESS_FAMILY_DECLARE

#endif
