/*
 * test_serve_plan.c - the serve family's planner against a --list of every
 * mechanism evb-serve has (one of them unsupported): smoke gives each
 * mechanism x variant a closed cell and epoll/lt an open one, every cell
 * keeps a histogram and a generous timeout, each preset exists and picks
 * its mechanisms, full holds standard and every preset, and a preset the
 * family does not know adds nothing.  With the traits evb-serve lists, each
 * io_uring cell is planned once per setup the profile asks for (smoke:
 * default, and defer for multishot; quick, standard: default and defer;
 * full: coop too), every other cell with the axis empty.  Standard holds
 * the cells the server-table claim reads (claims_serve.c's own, linked in),
 * the latency-throughput curve (select, poll, epoll/lt, io_uring/multishot
 * on defer only, a ladder of offered rates) and the capacity cells (--mode
 * capacity at p99 bounds of 1 and 10 ms); full plans each cell once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "family.h"
#include "plan.h"
#include "testutil.h"

/* claims_serve.c's combined io_uring verdict needs these; its cells are
 * what this test reads. */
const char *const claim_verdict_names[] = { "holds", "does not hold", "inconclusive",
					    "not measured", "info", NULL };
enum claim_verdict claim_combine(const struct claim_outcome *outcomes, size_t n)
{
	(void)outcomes;
	(void)n;
	return CLAIM_INFO;
}

static const struct harness_mech mechs[] = {
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
#define NMECHS (sizeof(mechs) / sizeof(mechs[0]))

static struct harness_plan plan_of(enum harness_profile profile, const char *preset, int *ret)
{
	struct harness_plan plan = { 0 };
	struct harness_plan_req req = { .profile = profile, .preset = preset };

	*ret = plan_serve(&plan, &req, mechs, NMECHS);
	return plan;
}

static size_t count(const struct harness_plan *p, const char *mech, const char *variant,
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
static bool cell_is(const struct harness_cell *c, const struct claim_cell *want)
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

static size_t count_cell(const struct harness_plan *p, const struct claim_cell *want)
{
	size_t n = 0;

	for (size_t i = 0; i < p->ncells; i++)
		n += cell_is(&p->cells[i], want);
	return n;
}

static bool same_axes(const struct harness_cell *a, const struct harness_cell *b)
{
	for (size_t i = 0; i < EVB_NAXES; i++) {
		char x[32], y[32];

		if (strcmp(evb_axis_value(&a->axes, i, x, sizeof(x)),
			   evb_axis_value(&b->axes, i, y, sizeof(y))))
			return false;
	}
	return true;
}

static bool every_cell_once(const struct harness_plan *p)
{
	for (size_t i = 0; i < p->ncells; i++)
		for (size_t k = 0; k < i; k++)
			if (same_axes(&p->cells[i], &p->cells[k]))
				return false;
	return true;
}

/* Every cell of part is a cell of whole. */
static bool holds_all(const struct harness_plan *whole, const struct harness_plan *part)
{
	for (size_t i = 0; i < part->ncells; i++) {
		bool found = false;

		for (size_t k = 0; k < whole->ncells && !found; k++)
			found = same_axes(&part->cells[i], &whole->cells[k]);
		if (!found)
			return false;
	}
	return true;
}

START_TEST(smoke_every_mechanism)
{
	int ret;
	struct harness_plan p = plan_of(HARNESS_SMOKE, NULL, &ret);

	ck_assert_int_eq(ret, 0);
	for (size_t m = 0; m < NMECHS; m++)
		ck_assert_msg(count(&p, mechs[m].mechanism, mechs[m].variant, "closed") == 1,
			      "%s/%s: no smoke cell", mechs[m].mechanism, mechs[m].variant);
	ck_assert_uint_eq(count(&p, NULL, NULL, "open"), 1);
	ck_assert_uint_eq(count(&p, "epoll", "lt", "open"), 1);
	for (size_t i = 0; i < p.ncells; i++) {
		const struct harness_cell *c = &p.cells[i];

		ck_assert(c->hist);
		ck_assert_int_eq(c->iterations, 500);
		ck_assert_int_eq(c->axes.connections, 4);
		ck_assert_int_eq(c->axes.active, 2);
		ck_assert_int_eq(c->axes.msg_size, 64);
		ck_assert(c->timeout_ns >= 30000000000LL);
		if (!strcmp(c->axes.mode, "open")) {
			ck_assert_int_eq(c->axes.depth, EVB_NA);
			ck_assert_str_eq(c->axes.rate, "2000");
			ck_assert_str_eq(c->axes.arrival, "poisson");
		} else {
			ck_assert_str_eq(c->axes.rate, "");
			ck_assert_str_eq(c->axes.arrival, "");
		}
	}
	harness_plan_free(&p);
}
END_TEST

START_TEST(profiles)
{
	int ret;
	struct harness_plan quick = plan_of(HARNESS_QUICK, NULL, &ret);

	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(quick.ncells, 2 * NMECHS);
	harness_plan_free(&quick);

	struct harness_plan standard = plan_of(HARNESS_STANDARD, NULL, &ret);

	ck_assert_int_eq(ret, 0);
	/* round trip, closed and open for every mechanism; 10,000 connections
	 * for select, poll, epoll/lt and io_uring/multishot (on defer only);
	 * 7 curve steps and 2 capacity cells for poll, epoll/lt and
	 * io_uring/multishot */
	ck_assert_uint_eq(standard.ncells, 3 * NMECHS + 4 + 3 * (7 + 2));
	ck_assert_uint_eq(count(&standard, NULL, NULL, "open"), NMECHS + 4 + 3 * 7);
	ck_assert_uint_eq(count(&standard, "select", NULL, "capacity"), 0);
	ck_assert_uint_eq(count(&standard, NULL, NULL, "capacity"), 3 * 2);

	struct harness_plan full = plan_of(HARNESS_FULL, NULL, &ret);

	ck_assert_int_eq(ret, 0);
	/* every standard cell and every preset's, each once */
	ck_assert(every_cell_once(&full));
	ck_assert(holds_all(&full, &standard));
	for (int i = 0; plan_serve_presets[i]; i++) {
		struct harness_plan p = plan_of(HARNESS_FULL, plan_serve_presets[i], &ret);

		ck_assert_int_eq(ret, 0);
		ck_assert_msg(holds_all(&full, &p), "full lacks cells of %s", plan_serve_presets[i]);
		harness_plan_free(&p);
	}
	harness_plan_free(&standard);
	harness_plan_free(&full);
}
END_TEST

START_TEST(presets)
{
	int ret;
	struct harness_plan seed = plan_of(HARNESS_STANDARD, "seed-server-table", &ret);

	ck_assert_int_eq(ret, 0);
	/* select, poll, epoll/lt and the three io_uring variants, 3 sizes each */
	ck_assert_uint_eq(seed.ncells, 6 * 3);
	ck_assert_uint_eq(count(&seed, "epoll", "et", NULL), 0);
	ck_assert_uint_eq(count(&seed, "threads", NULL, NULL), 0);
	for (size_t i = 0; i < seed.ncells; i++) {
		const struct evb_row *a = &seed.cells[i].axes;

		ck_assert_str_eq(a->mode, "open");
		ck_assert_int_eq(a->active * 10, a->connections);
		ck_assert_str_eq(a->rate, "5000");
	}
	ck_assert_int_eq(seed.cells[2].axes.connections, 100000);
	harness_plan_free(&seed);

	struct harness_plan vs = plan_of(HARNESS_STANDARD, "io-uring-vs-epoll", &ret);

	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(vs.ncells, 5 * 2);
	ck_assert_uint_eq(count(&vs, "poll", NULL, NULL), 0);
	ck_assert_uint_eq(count(&vs, NULL, NULL, "closed"), 10);
	harness_plan_free(&vs);

	struct harness_plan sat = plan_of(HARNESS_STANDARD, "saturation", &ret);

	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(sat.ncells, 8 * NMECHS);
	ck_assert_str_eq(sat.cells[0].axes.rate, "10%");
	ck_assert_str_eq(sat.cells[7].axes.rate, "300%");
	/* the calibration's depth, as an option: an open row has no depth axis */
	ck_assert_int_eq(sat.cells[0].axes.depth, EVB_NA);
	ck_assert_str_eq(sat.cells[0].extra[0], "--depth");
	ck_assert_str_eq(sat.cells[0].extra[1], "16");
	ck_assert_int_eq(sat.cells[0].axes.work_ns, 10000);
	ck_assert_ptr_null(sat.cells[0].extra[2]);
	/* a rate in % searches the capacity first: 12 steps x 2,000 requests at
	 * 1 ms on top of the 22,000 requests' 1 ms each and the 30 s */
	ck_assert_int_ge(sat.cells[0].timeout_ns, (30 + 22 + 24) * 1000000000LL);
	harness_plan_free(&sat);
}
END_TEST

#define RING "files=fixed uring_setup=default,coop,defer"
static const struct harness_mech listed[] = {
	{ .mechanism = "epoll", .variant = "lt", .supported = true },
	{ .mechanism = "io_uring", .variant = "poll", .supported = true, .traits = RING },
	{ .mechanism = "io_uring", .variant = "multishot", .supported = true, .traits = RING },
	{ .mechanism = "threads", .supported = true },
};

/* Cells of mechanism/variant with uring_setup == setup ("" for none). */
static size_t count_setup(const struct harness_plan *p, const char *variant, const char *setup)
{
	size_t n = 0;

	for (size_t i = 0; i < p->ncells; i++)
		n += !strcmp(p->cells[i].axes.variant, variant) &&
		     !strcmp(p->cells[i].axes.uring_setup, setup);
	return n;
}

START_TEST(uring_setups_per_profile)
{
	struct harness_plan p = { 0 };
	struct harness_plan_req req = { .profile = HARNESS_SMOKE };

	ck_assert_int_eq(plan_serve(&p, &req, listed, 4), 0);
	ck_assert_uint_eq(count_setup(&p, "poll", "default"), 1);
	ck_assert_uint_eq(count_setup(&p, "poll", "defer"), 0);
	ck_assert_uint_eq(count_setup(&p, "multishot", "default"), 1);
	ck_assert_uint_eq(count_setup(&p, "multishot", "defer"), 1);
	ck_assert_uint_eq(count_setup(&p, "lt", ""), 2);        /* closed and open */
	ck_assert_uint_eq(p.ncells, 2 + 1 + 2 + 1);
	harness_plan_free(&p);

	req.profile = HARNESS_QUICK;
	ck_assert_int_eq(plan_serve(&p, &req, listed, 4), 0);
	for (int v = 1; v <= 2; v++) {
		ck_assert_uint_eq(count_setup(&p, listed[v].variant, "default"), 2);
		ck_assert_uint_eq(count_setup(&p, listed[v].variant, "defer"), 2);
		ck_assert_uint_eq(count_setup(&p, listed[v].variant, "coop"), 0);
	}
	ck_assert_uint_eq(p.ncells, 2 * (1 + 2 + 2 + 1));
	harness_plan_free(&p);

	req.profile = HARNESS_FULL;
	req.preset = "io-uring-vs-epoll";
	ck_assert_int_eq(plan_serve(&p, &req, listed, 4), 0);
	ck_assert_uint_eq(count_setup(&p, "multishot", "coop"), 2);
	ck_assert_uint_eq(count_setup(&p, "multishot", "defer"), 2);
	ck_assert_uint_eq(count_setup(&p, "lt", ""), 2);
	ck_assert_uint_eq(p.ncells, 2 * (1 + 3 + 3));
	harness_plan_free(&p);
}
END_TEST

/* The server-table claim's cells, as claims_serve.c names them, are in
 * the standard plan (once each) and in full's. */
START_TEST(standard_has_server_table_cells)
{
	const struct claim *table = NULL;
	int ret;
	struct harness_plan standard = plan_of(HARNESS_STANDARD, NULL, &ret);
	struct harness_plan full = plan_of(HARNESS_FULL, NULL, &ret);

	for (size_t i = 0; claims_serve[i]; i++)
		if (!strncmp(claims_serve[i]->text, "Published server table", 22))
			table = claims_serve[i];
	ck_assert_ptr_nonnull(table);
	ck_assert_uint_ge(table->ntests, 2);
	for (size_t t = 0; t < table->ntests; t++) {
		const struct claim_test *test = &table->tests[t];

		ck_assert_msg(count_cell(&standard, &test->num) == 1, "%s: numerator not planned",
			      test->what);
		ck_assert_msg(count_cell(&full, &test->num) == 1, "%s: full", test->what);
		if (!test->den.family)
			continue;
		ck_assert_msg(count_cell(&standard, &test->den) == 1,
			      "%s: denominator not planned", test->what);
		ck_assert_msg(count_cell(&full, &test->den) == 1, "%s: full", test->what);
	}
	harness_plan_free(&standard);
	harness_plan_free(&full);
}
END_TEST

/* Cells of the curve's shape: open or capacity, 1000 connections, 100
 * active, Poisson, cross-cpu, 64 B, no depth. */
static bool curve_shape(const struct harness_cell *c)
{
	const struct evb_row *a = &c->axes;

	return a->connections == 1000 && a->active == 100 && a->depth == EVB_NA &&
	       a->msg_size == 64 && a->work_ns == 0 && !strcmp(a->placement, "cross-cpu") &&
	       !strcmp(a->arrival, "poisson");
}

START_TEST(standard_curve_and_capacity)
{
	static const char *const rates[] = { "2000", "8000", "32000", "64000", "128000",
					     "256000", "512000" };
	static const char *const curve[][2] = {
		{ "poll", "" }, { "epoll", "lt" }, { "io_uring", "multishot" }, { "select", "" },
	};
	struct harness_plan p = { 0 };
	struct harness_plan_req req = { .profile = HARNESS_STANDARD };

	ck_assert_int_eq(plan_serve(&p, &req, listed, 4), 0);
	for (size_t m = 0; m < 4; m++) {
		size_t steps = 0, slo1 = 0, slo10 = 0;

		for (size_t i = 0; i < p.ncells; i++) {
			const struct harness_cell *c = &p.cells[i];
			const struct evb_row *a = &c->axes;

			/* (the open cell at 5000 req/s has the shape too, every setup) */
			if (strcmp(a->mechanism, listed[m].mechanism) ||
			    strcmp(a->variant, listed[m].variant) || !curve_shape(c) ||
			    !strcmp(a->rate, "5000"))
				continue;
			/* io_uring: the defer setup only */
			ck_assert_str_eq(a->uring_setup, m == 2 ? "defer" : "");
			if (!strcmp(a->mode, "capacity")) {
				ck_assert_str_eq(a->rate, "");
				ck_assert(c->timeout_ns >= 30000000000LL);
				slo1 += a->slo_ns == 1000000;
				slo10 += a->slo_ns == 10000000;
				continue;
			}
			ck_assert_str_eq(a->mode, "open");
			ck_assert_int_eq(a->slo_ns, EVB_NA);
			for (size_t k = 0; k < 7; k++)
				if (!strcmp(a->rate, rates[k])) {
					steps++;
					/* a p99 per step; at most half a second of
					 * schedule past the 1,000 a p99 needs */
					ck_assert_int_ge(c->iterations, 1000);
					ck_assert_int_le(c->iterations,
							 strtoll(rates[k], NULL, 10) / 2 + 1000);
				}
		}
		/* epoll/lt and io_uring/multishot are on it, io_uring/poll and threads not */
		ck_assert_uint_eq(steps, m == 1 || m == 3 ? 0 : 7);
		ck_assert_uint_eq(slo1, m == 1 || m == 3 ? 0 : 1);
		ck_assert_uint_eq(slo10, m == 1 || m == 3 ? 0 : 1);
	}
	harness_plan_free(&p);

	struct harness_plan all = plan_of(HARNESS_STANDARD, NULL, &(int){ 0 });

	for (size_t m = 0; m < 4; m++) {
		size_t steps = 0, caps = 0;

		for (size_t i = 0; i < all.ncells; i++) {
			const struct evb_row *a = &all.cells[i].axes;

			if (strcmp(a->mechanism, curve[m][0]) || strcmp(a->variant, curve[m][1]) ||
			    !curve_shape(&all.cells[i]))
				continue;
			caps += !strcmp(a->mode, "capacity");
			steps += !strcmp(a->mode, "open") && strcmp(a->rate, "5000");
		}
		/* select: a scan as poll is, off the curve */
		ck_assert_msg(steps == (m < 3 ? 7u : 0u) && caps == (m < 3 ? 2u : 0u),
			      "%s/%s: %zu steps, %zu capacity cells",
			      curve[m][0], curve[m][1], steps, caps);
	}
	/* the other mechanisms have none; the 10,000-connection row is the
	 * curve's mechanisms', io_uring on defer only */
	ck_assert_uint_eq(count(&all, "epoll", "et", "capacity"), 0);
	ck_assert_int_eq(plan_serve(&p, &req, listed, 4), 0);
	size_t seed10k = 0;

	for (size_t i = 0; i < p.ncells; i++) {
		const struct evb_row *a = &p.cells[i].axes;

		if (a->connections != 10000)
			continue;
		seed10k++;
		ck_assert_msg(strcmp(a->mechanism, "io_uring") ||
			      (!strcmp(a->variant, "multishot") && !strcmp(a->uring_setup, "defer")),
			      "10,000 connections: io_uring/%s %s", a->variant, a->uring_setup);
		ck_assert_str_ne(a->mechanism, "threads");
	}
	ck_assert_uint_eq(seed10k, 2);    /* epoll/lt, io_uring/multishot defer */
	harness_plan_free(&p);
	ck_assert_uint_eq(count(&all, "threads", NULL, "capacity"), 0);
	ck_assert_uint_eq(count(&all, "io_uring", "recv", "capacity"), 0);
	harness_plan_free(&all);
}
END_TEST

START_TEST(unknown_preset)
{
	int ret;
	struct harness_plan p = plan_of(HARNESS_STANDARD, "seed-table", &ret);

	/* Another family's (or nobody's): no cells here; `evbench run` refuses a
	 * preset no family knows. */
	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(p.ncells, 0);
	harness_plan_free(&p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("serve_plan");
	TCase *tc = tcase_create("plan");

	tcase_add_test(tc, smoke_every_mechanism);
	tcase_add_test(tc, profiles);
	tcase_add_test(tc, presets);
	tcase_add_test(tc, unknown_preset);
	tcase_add_test(tc, uring_setups_per_profile);
	tcase_add_test(tc, standard_has_server_table_cells);
	tcase_add_test(tc, standard_curve_and_capacity);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
