/* plan_uring.c - the io_uring setups of a ring-based variant's cells; see plan_uring.h. */
#include <errno.h>
#include <string.h>

#include "plan_uring.h"

#define SETUPS_WORD "uring_setup="

/* Does m's traits' setup list ("uring_setup=a,b,c") hold setup? */
static bool lists(const struct harness_mech *m, const char *setup)
{
	const char *w = strstr(m->traits, SETUPS_WORD);
	size_t len = strlen(setup);

	if (!w)
		return false;
	for (w += strlen(SETUPS_WORD); *w && *w != ' '; w += *w == ',') {
		size_t n = strcspn(w, ", ");

		if (n == len && !strncmp(w, setup, len))
			return true;
		w += n;
	}
	return false;
}

int plan_uring_add(struct harness_plan *plan, struct harness_cell *cell,
		   const struct harness_mech *m, enum harness_profile profile, bool pick)
{
	const char *want[] = { "default", profile == HARNESS_FULL ? "coop" : NULL,
			       profile != HARNESS_SMOKE || pick ? "defer" : NULL };
	int added = 0;

	if (!strstr(m->traits, SETUPS_WORD))
		return harness_plan_add(plan, cell);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!want[i] || !lists(m, want[i]))
			continue;
		evb_row_set(&cell->axes, uring_setup, want[i]);
		if (harness_plan_add(plan, cell))
			return -ENOMEM;
		added++;
	}
	return added ? 0 : harness_plan_add(plan, cell);
}

int plan_uring_add_setup(struct harness_plan *plan, struct harness_cell *cell,
			 const struct harness_mech *m, const char *setup)
{
	if (lists(m, setup))
		evb_row_set(&cell->axes, uring_setup, setup);
	return harness_plan_add(plan, cell);
}
