/* plan_serve.c - placeholder: no cells yet. */
#include <stddef.h>

#include "family.h"
#include "plan.h"

int plan_serve(struct harness_plan *plan, const struct harness_plan_req *req,
	       const struct harness_mech *mechs, size_t nmechs)
{
	(void)plan;
	(void)req;
	(void)mechs;
	(void)nmechs;
	return 0;
}
