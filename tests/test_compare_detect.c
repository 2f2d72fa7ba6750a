/*
 * test_compare_detect.c - what `evbench compare` says it could not have
 * seen, and the machine's own movement, on synthetic runs:
 * detectable_ratio grows with the noise, a "~" carries it, a new run
 * slowed by more than a cell's claim is called slower; a verdict within
 * its sentinel's movement is marked "machine moved", one outside it or
 * against the other placement's sentinel is not; a run with one sentinel
 * (made before the cross-cpu one) still compares and the header says the
 * second is missing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evb_csv.h"
#include "evb_stats.h"
#include "fixture.h"
#include "testutil.h"

#define NCELLS 200

/* compare.csv's detectable_ratio per row (NAN when empty). */
static size_t detectable(const char *csv, double *v, size_t max)
{
	struct evb_table t;
	size_t n = 0;

	ck_assert_msg(evb_table_load(&t, csv) == 0, "%s", t.error);
	int col = evb_table_col(&t, "detectable_ratio");

	ck_assert_msg(col >= 0, "no detectable_ratio column");
	for (size_t r = 0; r < t.nrows && n < max; r++) {
		const char *text = evb_table_get(&t, r, col);

		v[n++] = text[0] ? strtod(text, NULL) : NAN;
	}
	evb_table_free(&t);
	return n;
}

static double median_detectable(double cv, uint64_t seed)
{
	struct fx_run a = { .ncells = NCELLS, .reps = 5, .scale = 1.0, .cv = cv, .seed = seed };
	struct fx_run b = a;
	struct fx_pair p;
	double v[NCELLS];

	b.seed = seed + 1;
	fx_make_pair(&p, &a, &b);
	ck_assert_int_eq(fx_compare(&p, NULL, NULL), 0);
	size_t n = detectable(p.csv, v, NCELLS);

	ck_assert_uint_eq(n, NCELLS);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(v[i] >= 1.0, "cell %zu: detectable_ratio %g", i, v[i]);
	evb_sort_doubles(v, n);
	tu_rmtree(p.tmp);
	return evb_median_sorted(v, n);
}

START_TEST(detectable_grows_with_noise)
{
	double quiet = median_detectable(0.02, 31), noisy = median_detectable(0.10, 33);

	ck_assert_msg(quiet < noisy, "cv 2%%: %g, cv 10%%: %g", quiet, noisy);
	ck_assert_msg(quiet < 1.2, "cv 2%%: median detectable %g", quiet);
}
END_TEST

/* Every ~ says what would not have shown; the spread is under the table. */
START_TEST(tilde_carries_it)
{
	struct fx_run a = { .ncells = 40, .reps = 5, .scale = 1.0, .cv = 0.05, .seed = 41 };
	struct fx_run b = a;
	struct fx_pair p;
	char *out = NULL;

	b.seed = 42;
	fx_make_pair(&p, &a, &b);
	ck_assert_int_eq(fx_compare(&p, NULL, &out), 0);
	size_t same = fx_count(p.csv, "verdict", "~", true);

	ck_assert_uint_gt(same, 0);
	ck_assert_uint_eq(fx_count(p.csv, "verdict", "~: a change under ", true), same);
	ck_assert_msg(tu_contains(out, "would not show"), "%.2000s", out);
	ck_assert_msg(tu_contains(out, "what compare could not have seen"), "%.2000s", out);
	ck_assert_msg(tu_contains(out, "notify   40 cells, median "), "%.2000s", out);
	free(out);
	tu_rmtree(p.tmp);
}
END_TEST

/* The claim is about a new run: a separate B slowed by k is called slower
 * in >= 80% of the cells that claimed k or less. */
START_TEST(new_run_above_claim_is_called)
{
	const double k = 1.3;
	struct fx_run a = { .ncells = NCELLS, .reps = 5, .scale = 1.0, .cv = 0.04, .seed = 51 };
	struct fx_run b = a;
	struct fx_pair p;
	double claim[NCELLS];
	size_t claimed = 0, called = 0;

	b.seed = 52;
	fx_make_pair(&p, &a, &b);
	ck_assert_int_eq(fx_compare(&p, NULL, NULL), 0);
	ck_assert_uint_eq(detectable(p.csv, claim, NCELLS), NCELLS);
	tu_rmtree(p.out);
	b.seed = 53;
	b.scale = k;
	fx_write_run(p.b, &b);
	ck_assert_int_eq(fx_compare(&p, NULL, NULL), 0);

	struct evb_table t;

	ck_assert_int_eq(evb_table_load(&t, p.csv), 0);
	for (size_t r = 0; r < t.nrows; r++) {
		if (!(claim[r] <= k))
			continue;
		claimed++;
		called += !strncmp(evb_table_get(&t, r, evb_table_col(&t, "verdict")), "slower", 6);
	}
	evb_table_free(&t);
	ck_assert_msg(claimed >= NCELLS / 4, "only %zu cells claim <= %g", claimed, k);
	ck_assert_msg(called * 100 >= 80 * claimed, "%zu of %zu called", called, claimed);
	tu_rmtree(p.tmp);
}
END_TEST

/* B 15% slower everywhere; its same-cpu sentinel moved by sentinel_scale. */
static size_t moved(double sentinel_scale, bool cross_moves, char **out)
{
	struct fx_run a = { .ncells = 40, .reps = 5, .scale = 1.0, .cv = 0.01, .seed = 61,
			    .sentinel = true, .sentinel_cross = true };
	struct fx_run b = a;
	struct fx_pair p;

	b.seed = 62;
	b.scale = cross_moves ? 1.3 : 1.15;     /* the cross-cpu sentinel follows scale */
	b.sentinel_scale = sentinel_scale;
	fx_make_pair(&p, &a, &b);
	if (cross_moves) {
		b.scale = 1.15;
		b.sentinel_scale = sentinel_scale;
		struct fx_run results = b;

		results.sentinel = false;
		fx_write_run(p.b, &results);   /* results at 1.15, sentinels from before */
	}
	ck_assert_int_eq(fx_compare(&p, NULL, out), 0);
	ck_assert_uint_ge(fx_count(p.csv, "verdict", "slower", true), 32);
	size_t n = fx_count(p.csv, "verdict", "slower (machine moved)", true);

	tu_rmtree(p.tmp);
	return n;
}

START_TEST(machine_moved_marks_verdicts)
{
	char *out = NULL;
	size_t n = moved(1.3, false, &out);

	ck_assert_msg(n >= 32, "%zu marked", n);
	ck_assert_msg(tu_contains(out, "marked \"machine moved\""), "%.3000s", out);
	ck_assert_msg(tu_contains(out, "sentinel cross-cpu: p50 A"), "%.3000s", out);
	free(out);
	/* The sentinel did not move: a real slowdown, not marked. */
	ck_assert_uint_eq(moved(1.0, false, NULL), 0);
	/* Only the cross-cpu sentinel moved: same-cpu cells are not marked. */
	ck_assert_uint_eq(moved(1.0, true, NULL), 0);
}
END_TEST

/* A run from before the cross-cpu sentinel: compared, the second named missing. */
START_TEST(single_sentinel_run)
{
	struct fx_run a = { .ncells = 30, .reps = 5, .scale = 1.0, .cv = 0.01, .seed = 71,
			    .sentinel = true };
	struct fx_run b = a;
	struct fx_pair p;
	char *out = NULL, json[700];

	b.seed = 72;
	b.scale = 1.15;
	b.sentinel_scale = 1.3;
	b.sentinel_cross = true;
	fx_make_pair(&p, &a, &b);
	snprintf(json, sizeof(json), "%s/out.json", p.tmp);
	ck_assert_int_eq(fx_compare(&p, (const char *const[]){ "--json", json, NULL }, &out), 0);
	ck_assert_msg(tu_contains(out, "sentinel cross-cpu: missing in A (a run from before"),
		      "%.3000s", out);
	ck_assert_msg(tu_contains(out, "sentinel same-cpu: p50 A"), "%.3000s", out);
	/* The same-cpu one still judges the same-cpu cells. */
	ck_assert_uint_ge(fx_count(p.csv, "verdict", "slower (machine moved)", true), 24);
	char *text = fx_read_file(json, NULL);

	ck_assert_msg(fx_json_valid(text), "not JSON: %.400s", text);
	ck_assert(tu_contains(text, "\"sentinel_cross_cpu\":{\"in_a\":false,\"in_b\":true"));
	ck_assert(tu_contains(text, "\"detectable_ratio\":"));
	free(text);
	free(out);
	tu_rmtree(p.tmp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("compare_detect");
	TCase *tc = tcase_create("compare_detect");

	tcase_set_timeout(tc, 100);
	tcase_add_test(tc, detectable_grows_with_noise);
	tcase_add_test(tc, tilde_carries_it);
	tcase_add_test(tc, new_run_above_claim_is_called);
	tcase_add_test(tc, machine_moved_marks_verdicts);
	tcase_add_test(tc, single_sentinel_run);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
