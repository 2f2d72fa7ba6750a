/*
 * test_summary.c - `evbench summarize` on known data: intervals, coverage,
 * half-width, precision, bimodal cells, counts of rows not ok; and the run
 * readers: a cut-off last line accepted with a warning, damage mid-file
 * refused with file:line, a results.csv from an older evbench accepted.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evb_csv.h"
#include "evb_row.h"
#include "fixture.h"
#include "testutil.h"

static void base_row(struct evb_row *row, long nfds, const char *unit)
{
	evb_row_init(row);
	evb_row_set(row, run_id, "known");
	evb_row_set(row, family, "notify");
	evb_row_set(row, mechanism, "pipe");
	evb_row_set(row, mode, strcmp(unit, "ns") ? "burst" : "pingpong");
	evb_row_set(row, ipc, "thread");
	evb_row_set(row, placement, "same-cpu");
	row->nfds = nfds;
	evb_row_set(row, status, "ok");
	evb_row_set(row, metric, strcmp(unit, "ns") ? "throughput" : "latency");
	evb_row_set(row, unit, unit);
	row->delivered = 1000;
	row->machine_cpu_ns = 2000000;
}

/*
 * nfds=1: p50 100..108 (9 ok, shuffled) and 2 failed repetitions;
 * nfds=2: two clusters, 100..103 and 200..205;
 * nfds=3: throughput 990..1010 ops/s; nfds=4: skipped (written last);
 * nfds=5: two equal repetitions.
 */
static void write_known(const char *dir, bool with_target)
{
	static const int lat[] = { 104, 100, 108, 101, 107, 102, 106, 103, 105 };
	static const int bimodal[] = { 200, 100, 201, 101, 202, 102, 203, 103, 204, 205 };
	static const double ops[] = { 1000, 1010, 990, 1005, 995 };
	char path[700];
	struct evb_row row;
	FILE *f;

	snprintf(path, sizeof(path), "%s/results.csv", dir);
	f = fopen(path, "w");
	ck_assert(f != NULL);
	ck_assert_int_eq(evb_row_write_header(f), 0);
	for (int i = 0; i < 11; i++) {
		base_row(&row, 1, "ns");
		row.rep = i + 1;
		if (i < 9) {
			row.p50 = lat[i];
		} else {
			evb_row_set(&row, status, "failed");
			evb_row_reason(&row, "boom %d", i);
		}
		ck_assert_int_eq(evb_row_write(f, &row), 0);
	}
	for (int i = 0; i < 10; i++) {
		base_row(&row, 2, "ns");
		row.rep = i + 1;
		row.p50 = bimodal[i];
		ck_assert_int_eq(evb_row_write(f, &row), 0);
	}
	for (int i = 0; i < 5; i++) {
		base_row(&row, 3, "ops/s");
		row.rep = i + 1;
		row.ops_per_s = ops[i];
		ck_assert_int_eq(evb_row_write(f, &row), 0);
	}
	for (int i = 0; i < 2; i++) {   /* two equal values: a zero-width interval */
		base_row(&row, 5, "ns");
		row.rep = i + 1;
		row.p50 = 50;
		ck_assert_int_eq(evb_row_write(f, &row), 0);
	}
	base_row(&row, 4, "ns");
	row.rep = 1;
	evb_row_set(&row, status, "skipped");
	ck_assert_int_eq(evb_row_write(f, &row), 0);
	ck_assert_int_eq(fclose(f), 0);
	snprintf(path, sizeof(path), "%s/env.csv", dir);
	fx_write_file(path, with_target ? "key,value\nrun_state,complete\nrun_precision_pct,3\n"
					  "run_max_reps,9\nrun_adaptive_stop,max reps\n"
					: "key,value\nrun_state,complete\n");
}

static int summarize(const char *dir)
{
	const char *args[] = { "summarize", dir, NULL };
	struct evb_spawn_result res = tu_run("evbench", args, 30);

	ck_assert_msg(res.end == EVB_SPAWN_EXITED, "summarize died: %s", tu_stderr());
	evb_spawn_result_free(&res);
	return res.exit_status;
}

/* summary.csv's value of column for the cell with nfds. */
static const char *cell(struct evb_table *t, const char *nfds, const char *column)
{
	int col = evb_table_col(t, column);

	ck_assert_msg(col >= 0, "summary.csv has no column %s", column);
	for (size_t r = 0; r < t->nrows; r++)
		if (!strcmp(evb_table_get(t, r, evb_table_col(t, "nfds")), nfds))
			return evb_table_get(t, r, col);
	ck_abort_msg("no cell nfds=%s", nfds);
	return "";
}

static double cell_num(struct evb_table *t, const char *nfds, const char *column)
{
	const char *text = cell(t, nfds, column);

	return text[0] ? strtod(text, NULL) : NAN;
}

static void load_summary(const char *dir, struct evb_table *t)
{
	char path[700];

	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	ck_assert_msg(evb_table_load(t, path) == 0, "%s", t->error);
}

START_TEST(known_intervals_and_precision)
{
	char dir[512];
	struct evb_table t;

	tu_tmpdir(dir, sizeof(dir));
	write_known(dir, true);
	ck_assert_int_eq(summarize(dir), 0);
	ck_assert_msg(tu_contains(tu_stderr(), "3 of 29 rows not ok"), "%s", tu_stderr());
	load_summary(dir, &t);
	ck_assert_uint_eq(t.nrows, 5);
	/* A run up to 9 looks at 7 ([min, max]) and 9 ([x(2), x(8)]): both
	 * cover with 1 - 8/512 - 14/512 (without a target, below: 1 - 20/512). */
	ck_assert_str_eq(cell(&t, "1", "status"), "partial");
	ck_assert_str_eq(cell(&t, "1", "reps_not_ok"), "2");
	ck_assert_str_eq(cell(&t, "1", "reason"), "boom 9");
	ck_assert_double_eq(cell_num(&t, "1", "p50_median"), 104);
	ck_assert_double_eq(cell_num(&t, "1", "p50_ci_lo"), 101);
	ck_assert_double_eq(cell_num(&t, "1", "p50_ci_hi"), 107);
	ck_assert_double_eq_tol(cell_num(&t, "1", "ci_level"), 1.0 - 22.0 / 512.0, 1e-9);
	ck_assert_str_eq(cell(&t, "1", "figure"), "p50");
	ck_assert_double_eq_tol(cell_num(&t, "1", "halfwidth_pct"), 300.0 / 104.0, 1e-6);
	ck_assert_str_eq(cell(&t, "1", "precision"), "met");
	ck_assert_str_eq(cell(&t, "1", "bimodal"), "0");
	ck_assert_double_eq(cell_num(&t, "1", "machine_cpu_ns_per_op_median"), 2000);
	/* Two clusters: the widest gap splits 4 | 6, far wider than either. */
	ck_assert_str_eq(cell(&t, "2", "bimodal"), "1");
	ck_assert_double_eq(cell_num(&t, "2", "low_mode"), 101.5);
	ck_assert_double_eq(cell_num(&t, "2", "high_mode"), 202.5);
	ck_assert_str_eq(cell(&t, "2", "low_reps"), "4");
	ck_assert_str_eq(cell(&t, "2", "high_reps"), "6");
	ck_assert_str_eq(cell(&t, "2", "precision"), "bimodal");
	/* Throughput: the headline is ops_per_s.  5 is no look: stopping there
	 * counts as one more, [min, max] missing with 2/32. */
	ck_assert_str_eq(cell(&t, "3", "figure"), "ops_per_s");
	ck_assert_double_eq(cell_num(&t, "3", "ops_per_s_median"), 1000);
	ck_assert_double_eq_tol(cell_num(&t, "3", "ci_level"), 1.0 - 22.0 / 512.0 - 1.0 / 16.0,
				1e-9);
	ck_assert_double_eq_tol(cell_num(&t, "3", "halfwidth_pct"), 1.0, 1e-9);
	ck_assert_str_eq(cell(&t, "3", "precision"), "met");
	ck_assert_str_eq(cell(&t, "4", "status"), "skipped");
	ck_assert_str_eq(cell(&t, "4", "precision"), "no data");
	ck_assert_str_eq(cell(&t, "4", "halfwidth_pct"), "");
	/* Half-width 0 from 2 values covers 50%: not a met target. */
	ck_assert_double_eq(cell_num(&t, "5", "halfwidth_pct"), 0);
	ck_assert_str_ne(cell(&t, "5", "precision"), "met");
	evb_table_free(&t);

	/* A run without the target keys: no target. */
	write_known(dir, false);
	ck_assert_int_eq(summarize(dir), 0);
	load_summary(dir, &t);
	ck_assert_str_eq(cell(&t, "1", "precision"), "no target");
	/* a fixed n: the 95% interval at n, 1 - 2 P(Bin(9, 1/2) <= 1) and 93.75% at 5 */
	ck_assert_double_eq_tol(cell_num(&t, "1", "ci_level"), 1.0 - 20.0 / 512.0, 1e-9);
	ck_assert_double_eq_tol(cell_num(&t, "3", "ci_level"), 0.9375, 1e-12);
	ck_assert_str_eq(cell(&t, "2", "bimodal"), "1");
	evb_table_free(&t);
	tu_rmtree(dir);
}
END_TEST

/* Cut the last row of dir/results.csv in the middle, no newline. */
static void cut_last_line(const char *dir)
{
	char path[700];
	size_t len;
	char *text;

	snprintf(path, sizeof(path), "%s/results.csv", dir);
	text = fx_read_file(path, &len);
	text[len - 10] = '\0';
	fx_write_file(path, text);
	free(text);
}

START_TEST(cut_off_last_line_accepted)
{
	char dir[512];
	struct evb_table t;

	tu_tmpdir(dir, sizeof(dir));
	write_known(dir, true);
	cut_last_line(dir);
	ck_assert_int_eq(summarize(dir), 0);
	ck_assert_msg(tu_contains(tu_stderr(), "results.csv:30: last line cut off"), "%s",
		      tu_stderr());
	load_summary(dir, &t);
	ck_assert_uint_eq(t.nrows, 4);    /* the skipped cell's only row was cut */
	evb_table_free(&t);

	const char *args[] = { "compare", dir, dir, "--out", NULL, NULL };
	char out[600];

	snprintf(out, sizeof(out), "%s/cmp", dir);
	args[4] = out;
	struct evb_spawn_result res = tu_run("evbench", args, 30);

	ck_assert_int_eq(res.exit_status, 0);
	ck_assert_msg(tu_contains(tu_stderr(), "results.csv:30: last line cut off"), "%s",
		      tu_stderr());
	evb_spawn_result_free(&res);
	tu_rmtree(dir);
}
END_TEST

START_TEST(damage_mid_file_refused)
{
	char dir[512], path[700];
	size_t len;

	tu_tmpdir(dir, sizeof(dir));
	write_known(dir, true);
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	char *text = fx_read_file(path, &len);
	char *line3 = strchr(strchr(text, '\n') + 1, '\n') + 1;

	memmove(line3 + 5, strchr(line3, '\n'), strlen(strchr(line3, '\n')) + 1);
	fx_write_file(path, text);
	free(text);
	ck_assert_int_eq(summarize(dir), 2);
	ck_assert_msg(tu_contains(tu_stderr(), "results.csv:3:"), "%s", tu_stderr());
	tu_rmtree(dir);
}
END_TEST

START_TEST(older_schema_accepted)
{
	static const char *const newer[] = { "early", "machine_cpu_ns", "vcsw_a_per_op",
					     "ivcsw_a_per_op", "vcsw_b_per_op", "ivcsw_b_per_op",
					     "cpus", "closed_rtt_ns", "cpu_distance",
					     "uring_flags", NULL };
	static const char *const older[] = { "p50", NULL };
	char dir[512], path[700];
	struct evb_table t;

	tu_tmpdir(dir, sizeof(dir));
	write_known(dir, true);
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	fx_drop_columns(path, newer);
	ck_assert_int_eq(summarize(dir), 0);
	ck_assert_msg(tu_contains(tu_stderr(), "written by an older evbench") &&
		      tu_contains(tu_stderr(), "machine_cpu_ns"), "%s", tu_stderr());
	load_summary(dir, &t);
	ck_assert_str_eq(cell(&t, "1", "machine_cpu_ns_per_op_median"), "");
	ck_assert_double_eq(cell_num(&t, "1", "p50_median"), 104);
	evb_table_free(&t);
	fx_drop_columns(path, older);
	ck_assert_int_eq(summarize(dir), 2);
	ck_assert_msg(tu_contains(tu_stderr(), "results.csv:1: column 'p50' missing"), "%s",
		      tu_stderr());
	tu_rmtree(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("summary");
	TCase *tc = tcase_create("summary");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, known_intervals_and_precision);
	tcase_add_test(tc, cut_off_last_line_accepted);
	tcase_add_test(tc, damage_mid_file_refused);
	tcase_add_test(tc, older_schema_accepted);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
