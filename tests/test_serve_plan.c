/*
 * test_serve_plan.c - the serve family's planner against a --list of every
 * mechanism evb-serve has (one of them unsupported): smoke gives each
 * mechanism x variant a closed cell and epoll/lt an open one, every cell
 * keeps a histogram and a generous timeout, each preset exists and picks
 * its mechanisms, full holds standard and every preset, and a preset the
 * family does not know adds nothing.  With the traits evb-serve lists, each
 * io_uring cell is planned once per setup the profile asks for (smoke:
 * default, and defer for multishot; quick, standard: default and defer;
 * full: coop too), every other cell with the axis empty.  (The standard
 * profile's server-table, curve and capacity cells:
 * test_serve_plan_standard.c.)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "serve_plan_util.h"
#include "testutil.h"

START_TEST(smoke_every_mechanism)
{
	int ret;
	struct harness_plan p = sp_plan_of(HARNESS_SMOKE, NULL, &ret);

	ck_assert_int_eq(ret, 0);
	for (size_t m = 0; m < sp_nmechs; m++)
		ck_assert_msg(sp_count(&p, sp_mechs[m].mechanism, sp_mechs[m].variant, "closed") == 1,
			      "%s/%s: no smoke cell", sp_mechs[m].mechanism, sp_mechs[m].variant);
	ck_assert_uint_eq(sp_count(&p, NULL, NULL, "open"), 1);
	ck_assert_uint_eq(sp_count(&p, "epoll", "lt", "open"), 1);
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
	struct harness_plan quick = sp_plan_of(HARNESS_QUICK, NULL, &ret);

	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(quick.ncells, 2 * sp_nmechs);
	harness_plan_free(&quick);

	struct harness_plan standard = sp_plan_of(HARNESS_STANDARD, NULL, &ret);

	ck_assert_int_eq(ret, 0);
	/* round trip, closed and open for every mechanism; 10,000 connections
	 * for select, poll, epoll/lt and io_uring/multishot (on defer only);
	 * 7 curve steps and 2 capacity cells for poll, epoll/lt and
	 * io_uring/multishot */
	ck_assert_uint_eq(standard.ncells, 3 * sp_nmechs + 4 + 3 * (7 + 2));
	ck_assert_uint_eq(sp_count(&standard, NULL, NULL, "open"), sp_nmechs + 4 + 3 * 7);
	ck_assert_uint_eq(sp_count(&standard, "select", NULL, "capacity"), 0);
	ck_assert_uint_eq(sp_count(&standard, NULL, NULL, "capacity"), 3 * 2);

	struct harness_plan full = sp_plan_of(HARNESS_FULL, NULL, &ret);

	ck_assert_int_eq(ret, 0);
	/* every standard cell and every preset's, each once */
	ck_assert(sp_every_cell_once(&full));
	ck_assert(sp_holds_all(&full, &standard));
	for (int i = 0; plan_serve_presets[i]; i++) {
		struct harness_plan p = sp_plan_of(HARNESS_FULL, plan_serve_presets[i], &ret);

		ck_assert_int_eq(ret, 0);
		ck_assert_msg(sp_holds_all(&full, &p), "full lacks cells of %s", plan_serve_presets[i]);
		harness_plan_free(&p);
	}
	harness_plan_free(&standard);
	harness_plan_free(&full);
}
END_TEST

START_TEST(presets)
{
	int ret;
	struct harness_plan seed = sp_plan_of(HARNESS_STANDARD, "seed-server-table", &ret);

	ck_assert_int_eq(ret, 0);
	/* select, poll, epoll/lt and the three io_uring variants, 3 sizes each */
	ck_assert_uint_eq(seed.ncells, 6 * 3);
	ck_assert_uint_eq(sp_count(&seed, "epoll", "et", NULL), 0);
	ck_assert_uint_eq(sp_count(&seed, "threads", NULL, NULL), 0);
	for (size_t i = 0; i < seed.ncells; i++) {
		const struct evb_row *a = &seed.cells[i].axes;

		ck_assert_str_eq(a->mode, "open");
		ck_assert_int_eq(a->active * 10, a->connections);
		ck_assert_str_eq(a->rate, "5000");
	}
	ck_assert_int_eq(seed.cells[2].axes.connections, 100000);
	harness_plan_free(&seed);

	struct harness_plan vs = sp_plan_of(HARNESS_STANDARD, "io-uring-vs-epoll", &ret);

	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(vs.ncells, 5 * 2);
	ck_assert_uint_eq(sp_count(&vs, "poll", NULL, NULL), 0);
	ck_assert_uint_eq(sp_count(&vs, NULL, NULL, "closed"), 10);
	harness_plan_free(&vs);

	struct harness_plan sat = sp_plan_of(HARNESS_STANDARD, "saturation", &ret);

	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(sat.ncells, 8 * sp_nmechs);
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

	ck_assert_int_eq(plan_serve(&p, &req, sp_listed, 4), 0);
	ck_assert_uint_eq(count_setup(&p, "poll", "default"), 1);
	ck_assert_uint_eq(count_setup(&p, "poll", "defer"), 0);
	ck_assert_uint_eq(count_setup(&p, "multishot", "default"), 1);
	ck_assert_uint_eq(count_setup(&p, "multishot", "defer"), 1);
	ck_assert_uint_eq(count_setup(&p, "lt", ""), 2);        /* closed and open */
	ck_assert_uint_eq(p.ncells, 2 + 1 + 2 + 1);
	harness_plan_free(&p);

	req.profile = HARNESS_QUICK;
	ck_assert_int_eq(plan_serve(&p, &req, sp_listed, 4), 0);
	for (int v = 1; v <= 2; v++) {
		ck_assert_uint_eq(count_setup(&p, sp_listed[v].variant, "default"), 2);
		ck_assert_uint_eq(count_setup(&p, sp_listed[v].variant, "defer"), 2);
		ck_assert_uint_eq(count_setup(&p, sp_listed[v].variant, "coop"), 0);
	}
	ck_assert_uint_eq(p.ncells, 2 * (1 + 2 + 2 + 1));
	harness_plan_free(&p);

	req.profile = HARNESS_FULL;
	req.preset = "io-uring-vs-epoll";
	ck_assert_int_eq(plan_serve(&p, &req, sp_listed, 4), 0);
	ck_assert_uint_eq(count_setup(&p, "multishot", "coop"), 2);
	ck_assert_uint_eq(count_setup(&p, "multishot", "defer"), 2);
	ck_assert_uint_eq(count_setup(&p, "lt", ""), 2);
	ck_assert_uint_eq(p.ncells, 2 * (1 + 3 + 3));
	harness_plan_free(&p);
}
END_TEST

/* The server-table claim's cells, as claims_serve.c names them, are in
 * the standard plan (once each) and in full's. */
START_TEST(unknown_preset)
{
	int ret;
	struct harness_plan p = sp_plan_of(HARNESS_STANDARD, "seed-table", &ret);

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
	suite_add_tcase(s, tc);
	return tu_main(s);
}
