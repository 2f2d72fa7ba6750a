/* serve_plan_util.c - the serve planner tests' --list and cell helpers; see
 * serve_plan_util.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "serve_plan_util.h"

/* claims_serve.c's combined io_uring verdict needs these (claims.c is not
 * linked in); its cells are what the tests read. */
const char *const claim_verdict_names[] = { "holds", "does not hold", "inconclusive",
					    "not measured", "info", NULL };
enum claim_verdict claim_combine(const struct claim_outcome *outcomes, size_t n)
{
	(void)outcomes;
	(void)n;
	return CLAIM_INFO;
}

const struct harness_mech sp_mechs[] = {
	{ .mechanism = "select", .supported = true },
	{ .mechanism = "poll", .supported = true },
	{ .mechanism = "epoll", .variant = "lt", .supported = true },
	{ .mechanism = "epoll", .variant = "et", .supported = true },
	{ .mechanism = "io_uring", .variant = "poll", .supported = true },
	{ .mechanism = "io_uring", .variant = "recv", .supported = true },
	{ .mechanism = "io_uring", .variant = "multishot", .supported = false,
	  .reason = "kernel lacks IORING_OP_RECV multishot" },
	{ .mechanism = "threads", .supported = true },
};
const size_t sp_nmechs = sizeof(sp_mechs) / sizeof(sp_mechs[0]);

struct harness_plan sp_plan_of(enum harness_profile profile, const char *preset, int *ret)
{
	struct harness_plan plan = { 0 };
	struct harness_plan_req req = { .profile = profile, .preset = preset };

	*ret = plan_serve(&plan, &req, sp_mechs, sp_nmechs);
	return plan;
}

size_t sp_count(const struct harness_plan *p, const char *mech, const char *variant,
		    const char *mode)
{
	size_t n = 0;

	for (size_t i = 0; i < p->ncells; i++) {
		const struct evb_row *a = &p->cells[i].axes;

		n += !strcmp(a->family, "serve") && (!mech || !strcmp(a->mechanism, mech)) &&
		     (!variant || !strcmp(a->variant, variant)) &&
		     (!mode || !strcmp(a->mode, mode));
	}
	return n;
}

/* Does cell c have exactly the axes of want (NULL: empty)? */
#define WANT_AXIS(kind, name, flag, slug, label) want->name,
bool sp_cell_is(const struct harness_cell *c, const struct claim_cell *want)
{
	const char *const values[] = { EVB_AXES(WANT_AXIS) };

	for (size_t i = 0; i < EVB_NAXES; i++) {
		char buf[32];

		if (strcmp(evb_axis_value(&c->axes, i, buf, sizeof(buf)),
			   values[i] ? values[i] : ""))
			return false;
	}
	return true;
}
#undef WANT_AXIS

size_t sp_count_cell(const struct harness_plan *p, const struct claim_cell *want)
{
	size_t n = 0;

	for (size_t i = 0; i < p->ncells; i++)
		n += sp_cell_is(&p->cells[i], want);
	return n;
}

bool sp_same_axes(const struct harness_cell *a, const struct harness_cell *b)
{
	for (size_t i = 0; i < EVB_NAXES; i++) {
		char x[32], y[32];

		if (strcmp(evb_axis_value(&a->axes, i, x, sizeof(x)),
			   evb_axis_value(&b->axes, i, y, sizeof(y))))
			return false;
	}
	return true;
}

bool sp_every_cell_once(const struct harness_plan *p)
{
	for (size_t i = 0; i < p->ncells; i++)
		for (size_t k = 0; k < i; k++)
			if (sp_same_axes(&p->cells[i], &p->cells[k]))
				return false;
	return true;
}

/* Every cell of part is a cell of whole. */
bool sp_holds_all(const struct harness_plan *whole, const struct harness_plan *part)
{
	for (size_t i = 0; i < part->ncells; i++) {
		bool found = false;

		for (size_t k = 0; k < whole->ncells && !found; k++)
			found = sp_same_axes(&part->cells[i], &whole->cells[k]);
		if (!found)
			return false;
	}
	return true;
}

/* What evb-serve lists with its traits: the io_uring ones on a ring. */
#define RING "files=fixed uring_setup=default,coop,defer"
const struct harness_mech sp_listed[4] = {
	{ .mechanism = "epoll", .variant = "lt", .supported = true },
	{ .mechanism = "io_uring", .variant = "poll", .supported = true, .traits = RING },
	{ .mechanism = "io_uring", .variant = "multishot", .supported = true, .traits = RING },
	{ .mechanism = "threads", .supported = true },
};
