/*
 * families.c - the families evbench knows, in run order: the list of
 * families.cmake (EVB_FAMILIES, generated into evb_families.h).  Each
 * family defines its own <family>_family in <family>/family_<family>.c.
 * harness_plan_family plans one of them.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "family.h"
#include "harness.h"
#include "plan.h"

#define ENTRY(f) &f##_family,
const struct harness_family *const harness_families[] = { EVB_FAMILIES(ENTRY) };
#undef ENTRY

const size_t harness_nfamilies = sizeof(harness_families) / sizeof(harness_families[0]);

/* A family's cells for req: its driver's --list, planned by the family. */
int harness_plan_family(struct harness_plan *plan, const struct harness_family *family,
			const struct harness_plan_req *req)
{
	char driver[PATH_MAX], error[512];
	struct harness_mech *mechs;
	size_t nmechs;
	int ret;

	ret = harness_driver_path(family, driver, sizeof(driver));
	if (ret) {
		fprintf(stderr, "%s: %s is not built (%s%s): family %s skipped\n", HARNESS_PROG,
			family->driver, driver, ret == -ENAMETOOLONG ? "...: path too long" : "",
			family->name);
		return -ENOENT;
	}
	ret = harness_list_mechs(driver, &mechs, &nmechs, error, sizeof(error));
	if (ret) {
		fprintf(stderr, "%s: %s\n", HARNESS_PROG, error);
		return ret;
	}
	ret = family->plan(plan, req, mechs, nmechs);
	free(mechs);
	return ret;
}
