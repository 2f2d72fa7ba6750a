/*
 * test_compare_rounds.c - compare on runs that came in interleaved rounds
 * (results.csv round, evbench vm --rounds): a host drift between rounds
 * that hides a 10% change from Welch's t is cancelled by the test blocked
 * by round (3 rounds: its error is the rounds' own spread, 2 degrees of
 * freedom, and it calls the change in nearly every cell; with 2 rounds its
 * one degree of freedom needs a change of 12.7 standard errors, and after
 * the correction over 100 cells it calls none); the same drift on an A/A
 * comparison flags no cell; a boot whose difference is unlike the other
 * round's (a kernel x round effect) is not taken for a change; and boots
 * that each move their cell as much as its repetitions spread are not
 * taken for changes either (the test's own level: test_compare_boots.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evb_csv.h"
#include "fixture.h"
#include "testutil.h"

#define NCELLS 100
#define BOOTS_CELLS 1000

static size_t slower_of(const struct fx_run *a, const struct fx_run *b, char **out)
{
	struct fx_pair p;
	size_t n;

	fx_make_pair(&p, a, b);
	ck_assert_int_eq(fx_compare(&p, NULL, out), 0);
	n = fx_count(p.csv, "verdict", "slower", true);
	tu_rmtree(p.tmp);
	return n;
}

/* 6 reps in 2 rounds, the second round 25% slower on both sides. */
static struct fx_run drifting(bool record, uint64_t seed, double scale)
{
	return (struct fx_run){ .ncells = NCELLS, .reps = 6, .scale = scale, .cv = 0.02,
				.seed = seed, .rounds = 2, .record_rounds = record,
				.round_drift = 0.25 };
}

/* The same in 3 rounds, each 25% slower than the one before. */
static struct fx_run drifting3(bool record, uint64_t seed, double scale)
{
	struct fx_run r = drifting(record, seed, scale);

	r.rounds = 3;
	return r;
}

START_TEST(blocking_cancels_drift)
{
	struct fx_run a = drifting3(true, 11, 1.0), b = drifting3(true, 12, 1.10);
	struct fx_run a0 = drifting3(false, 11, 1.0), b0 = drifting3(false, 12, 1.10);
	char *out = NULL;
	size_t blocked = slower_of(&a, &b, &out), welch = slower_of(&a0, &b0, NULL);

	ck_assert_msg(tu_contains(out, "cells came in interleaved rounds on both sides"),
		      "%.2000s", out);
	ck_assert_msg(blocked >= NCELLS * 8 / 10, "blocked by round: %zu of %d slower", blocked,
		      NCELLS);
	ck_assert_msg(welch <= NCELLS / 10, "Welch across rounds: %zu of %d slower", welch,
		      NCELLS);
	free(out);
}
END_TEST

/* Cells called faster or slower by compare A B plus extra (NULL: none). */
static size_t called_of(const struct fx_run *a, const struct fx_run *b,
			const char *const *extra)
{
	struct fx_pair p;
	size_t n;

	fx_make_pair(&p, a, b);
	ck_assert_int_eq(fx_compare(&p, extra, NULL), 0);
	n = fx_count(p.csv, "verdict", "slower", true) + fx_count(p.csv, "verdict", "faster", true);
	tu_rmtree(p.tmp);
	return n;
}

START_TEST(aa_with_drift_flags_nothing)
{
	struct fx_run a = drifting(true, 21, 1.0), b = drifting(true, 22, 1.0);

	ck_assert_uint_eq(called_of(&a, &b, NULL), 0);
	a = drifting3(true, 23, 1.0);
	b = drifting3(true, 24, 1.0);
	ck_assert_uint_eq(called_of(&a, &b, NULL), 0);
}
END_TEST

/*
 * A/A, every cell's boots with an effect of their own as large as the
 * spread of its repetitions (boot_sd = cv), 2 and 3 rounds, 6 repetitions
 * a side, 1,000 cells each: at most 5% of the cells have a p below 0.05
 * (the allowed count a binomial bound, tu_binom_most(1,000, 5%, 1e-3) =
 * 73), and as many at most are called after the correction over cells
 * (none, at this seed).  The test that pooled the repetitions whenever the
 * interaction's pretest did not reject gave 182 of these 1,000 cells a p
 * below 0.05 at R = 2.
 */
START_TEST(boot_effects_are_not_changes)
{
	const char *const no_band[] = { "--min-change", "0", NULL };
	size_t most = tu_binom_most(BOOTS_CELLS, 0.05, 1e-3);

	for (int rounds = 2; rounds <= 3; rounds++) {
		struct fx_run a = drifting(true, 41, 1.0), b = drifting(true, 42, 1.0);
		struct fx_pair p;
		struct evb_table t;
		size_t below = 0, called;

		a.ncells = b.ncells = BOOTS_CELLS;
		a.rounds = b.rounds = rounds;
		a.cv = b.cv = a.boot_sd = b.boot_sd = 0.05;
		fx_make_pair(&p, &a, &b);
		ck_assert_int_eq(fx_compare(&p, no_band, NULL), 0);
		called = fx_count(p.csv, "verdict", "slower", true) +
			 fx_count(p.csv, "verdict", "faster", true);
		ck_assert_int_eq(evb_table_load(&t, p.csv), 0);
		for (size_t r = 0; r < t.nrows; r++)
			below += strtod(evb_table_get(&t, r, evb_table_col(&t, "p_value")), NULL) <
				 0.05;
		evb_table_free(&t);
		tu_rmtree(p.tmp);
		printf("R = %d, boot effect = within spread, A/A: p < 0.05 in %zu of %d cells "
		       "(at most %zu allowed), %zu called\n", rounds, below, BOOTS_CELLS, most,
		       called);
		ck_assert_msg(below <= most, "R = %d: p < 0.05 in %zu of %d cells", rounds, below,
			      BOOTS_CELLS);
		ck_assert_uint_le(called, most);
	}
}
END_TEST

/* B's second round alone 20% slower: its rounds disagree, and the test's
 * error, the rounds' own spread (1 df), says so. */
START_TEST(round_effect_is_not_a_change)
{
	struct fx_run a = drifting(true, 31, 1.0), b = drifting(true, 32, 1.0);

	b.round_drift = 0.5;    /* 1.25 x 1.2 = 1.5 */
	ck_assert_uint_le(slower_of(&a, &b, NULL), NCELLS / 10);
}
END_TEST

/* path's results.csv with the round of its first row set to round. */
static void set_first_round(const char *dir, const char *round)
{
	char path[700];
	struct evb_table t;
	int col;
	FILE *f;

	snprintf(path, sizeof(path), "%s/results.csv", dir);
	ck_assert_int_eq(evb_table_load(&t, path), 0);
	col = evb_table_col(&t, "round");
	ck_assert_int_ge(col, 0);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	for (size_t r = 0; r <= t.nrows; r++) {
		const struct evb_csv_record *rec = r ? &t.rows[r - 1] : &t.header;

		for (size_t i = 0; i < rec->nfields; i++) {
			if (i)
				fputc(',', f);
			evb_csv_field(f, r == 1 && (int)i == col ? round : rec->fields[i]);
		}
		fputc('\n', f);
	}
	ck_assert_int_eq(fclose(f), 0);
	evb_table_free(&t);
}

/* A round no evbench run writes (beyond --round K/R's 16) is refused with
 * exit 2 naming the file, its line and the limit; 16 itself is read. */
START_TEST(absurd_round_is_refused)
{
	struct fx_run a = drifting(true, 51, 1.0), b = drifting(true, 52, 1.0);
	struct fx_pair p;

	a.ncells = b.ncells = 3;
	fx_make_pair(&p, &a, &b);
	set_first_round(p.b, "1000000");
	ck_assert_int_eq(fx_compare(&p, NULL, NULL), 2);
	ck_assert_msg(tu_contains(tu_stderr(), "results.csv:2: round '1000000' is not 0 to 16"),
		      "%s", tu_stderr());
	set_first_round(p.b, "-1");
	ck_assert_int_eq(fx_compare(&p, NULL, NULL), 2);
	set_first_round(p.b, "16");
	ck_assert_int_eq(fx_compare(&p, NULL, NULL), 0);
	tu_rmtree(p.tmp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("compare_rounds");
	TCase *tc = tcase_create("compare_rounds");

	tcase_set_timeout(tc, 100);
	tcase_add_test(tc, blocking_cancels_drift);
	tcase_add_test(tc, aa_with_drift_flags_nothing);
	tcase_add_test(tc, round_effect_is_not_a_change);
	tcase_add_test(tc, boot_effects_are_not_changes);
	tcase_add_test(tc, absurd_round_is_refused);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
