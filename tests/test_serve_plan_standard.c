/*
 * test_serve_plan_standard.c - the serve planner's standard profile holds
 * the cells the server-table claim reads (claims_serve.c's own, linked
 * in), the latency-throughput curve (poll, epoll/lt, io_uring/multishot on
 * defer only, a ladder of offered rates) and the capacity cells (--mode
 * capacity at p99 bounds of 1 and 10 ms); full plans each cell once.
 */
#include <stdlib.h>
#include <string.h>

#include "serve_plan_util.h"
#include "testutil.h"

START_TEST(standard_has_server_table_cells)
{
	const struct claim *table = NULL;
	int ret;
	struct harness_plan standard = sp_plan_of(HARNESS_STANDARD, NULL, &ret);
	struct harness_plan full = sp_plan_of(HARNESS_FULL, NULL, &ret);

	for (size_t i = 0; claims_serve[i]; i++)
		if (!strncmp(claims_serve[i]->text, "Published server table", 22))
			table = claims_serve[i];
	ck_assert_ptr_nonnull(table);
	ck_assert_uint_ge(table->ntests, 2);
	for (size_t t = 0; t < table->ntests; t++) {
		const struct claim_test *test = &table->tests[t];

		ck_assert_msg(sp_count_cell(&standard, &test->num) == 1, "%s: numerator not planned",
			      test->what);
		ck_assert_msg(sp_count_cell(&full, &test->num) == 1, "%s: full", test->what);
		if (!test->den.family)
			continue;
		ck_assert_msg(sp_count_cell(&standard, &test->den) == 1,
			      "%s: denominator not planned", test->what);
		ck_assert_msg(sp_count_cell(&full, &test->den) == 1, "%s: full", test->what);
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

	ck_assert_int_eq(plan_serve(&p, &req, sp_listed, 4), 0);
	for (size_t m = 0; m < 4; m++) {
		size_t steps = 0, slo1 = 0, slo10 = 0;

		for (size_t i = 0; i < p.ncells; i++) {
			const struct harness_cell *c = &p.cells[i];
			const struct evb_row *a = &c->axes;

			/* (the open cell at 5000 req/s has the shape too, every setup) */
			if (strcmp(a->mechanism, sp_listed[m].mechanism) ||
			    strcmp(a->variant, sp_listed[m].variant) || !curve_shape(c) ||
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

	struct harness_plan all = sp_plan_of(HARNESS_STANDARD, NULL, &(int){ 0 });

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
	ck_assert_uint_eq(sp_count(&all, "epoll", "et", "capacity"), 0);
	ck_assert_int_eq(plan_serve(&p, &req, sp_listed, 4), 0);
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
	ck_assert_uint_eq(sp_count(&all, "threads", NULL, "capacity"), 0);
	ck_assert_uint_eq(sp_count(&all, "io_uring", "recv", "capacity"), 0);
	harness_plan_free(&all);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("serve_plan_standard");
	TCase *tc = tcase_create("serve_plan_standard");

	tcase_add_test(tc, standard_has_server_table_cells);
	tcase_add_test(tc, standard_curve_and_capacity);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
