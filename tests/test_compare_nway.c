/*
 * test_compare_nway.c - `evbench compare RUN1 RUN2 RUN3` on synthetic runs:
 * A, a copy of A and A x1.5 -> the x1.5 run's cells are slower, the copy's
 * are not; a cell in one run only is marked; the --csv and --json shapes;
 * no faster/slower between an emulated (vm_accel=tcg) and a hardware run;
 * the compare directory's report with the environment differences and the
 * heat map's data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "testutil.h"

#define NCELLS 60

struct trio {
	char tmp[512], run[3][600], out[600], csv[700];
};

static void make_trio(struct trio *t, const struct fx_run *specs)
{
	tu_tmpdir(t->tmp, sizeof(t->tmp));
	snprintf(t->out, sizeof(t->out), "%s/cmp", t->tmp);
	snprintf(t->csv, sizeof(t->csv), "%s/cmp/compare.csv", t->tmp);
	for (int r = 0; r < 3; r++) {
		snprintf(t->run[r], sizeof(t->run[r]), "%s/run%d", t->tmp, r + 1);
		ck_assert_int_eq(mkdir(t->run[r], 0755), 0);
		fx_write_run(t->run[r], &specs[r]);
	}
}

/* compare RUN1 RUN2 RUN3 --out OUT plus extra args; its exit status. */
static int compare3(const struct trio *t, const char *const *extra, char **out)
{
	return fx_compare_dirs((const char *const[]){ t->run[0], t->run[1], t->run[2], NULL },
			       t->out, extra, out);
}

/* Records of run r (2 or 3) with this verdict. */
static size_t count_run(const char *csv, int r, const char *verdict)
{
	char *text = fx_read_file(csv, NULL), needle[64];
	size_t n = 0;

	/* run is the column after figure: ",p50,3,run3," */
	for (const char *fig = "p50"; fig; fig = strcmp(fig, "p50") ? NULL : "ops_per_s") {
		snprintf(needle, sizeof(needle), ",%s,%d,run%d,", fig, r, r);
		for (const char *s = text; (s = strstr(s, needle)); s++) {
			const char *eol = strchr(s, '\n');
			const char *v = strstr(s, verdict);

			n += v && (!eol || v < eol);
		}
	}
	free(text);
	return n;
}

START_TEST(copy_same_scaled_slower)
{
	struct fx_run spec[3] = {
		{ .ncells = NCELLS, .reps = 5, .scale = 1.0, .cv = 0.03, .seed = 21 },
		{ .ncells = NCELLS, .reps = 5, .scale = 1.0, .cv = 0.03, .seed = 21 },
		{ .ncells = NCELLS, .reps = 5, .scale = 1.5, .cv = 0.03, .seed = 22 },
	};
	struct trio t;
	char *out = NULL;

	make_trio(&t, spec);
	ck_assert_int_eq(compare3(&t, NULL, &out), 0);
	ck_assert_msg(tu_contains(out, "(baseline)"), "%s", out);
	/* One record per cell x run (2 and 3). */
	ck_assert_uint_eq(fx_count(t.csv, "present_in", "all", false), 2 * NCELLS);
	ck_assert_uint_eq(fx_count(t.csv, "run", "2", false), NCELLS);
	ck_assert_uint_eq(fx_count(t.csv, "run", "3", false), NCELLS);
	ck_assert_uint_eq(count_run(t.csv, 2, ",slower,") + count_run(t.csv, 2, ",faster,"), 0);
	size_t slower = count_run(t.csv, 3, ",slower,");

	ck_assert_msg(slower * 100 >= 80 * NCELLS, "x1.5: only %zu of %d slower", slower, NCELLS);
	ck_assert_uint_eq(count_run(t.csv, 3, ",faster,"), 0);
	free(out);
	/* --fail-on-slower covers every run against the baseline. */
	tu_rmtree(t.out);
	ck_assert_int_eq(compare3(&t, (const char *const[]){ "--fail-on-slower", "20", NULL },
				  NULL), 1);
	ck_assert_msg(tu_contains(tu_stderr(), "slower by"), "%s", tu_stderr());
	tu_rmtree(t.out);
	ck_assert_int_eq(compare3(&t, (const char *const[]){ "--fail-on-slower", "80", NULL },
				  NULL), 0);
	tu_rmtree(t.tmp);
}
END_TEST

START_TEST(cell_in_one_run_is_marked)
{
	struct fx_run spec[3] = {
		{ .ncells = 10, .reps = 5, .scale = 1.0, .cv = 0.03, .seed = 23 },
		{ .ncells = 10, .reps = 5, .scale = 1.0, .cv = 0.03, .seed = 24 },
		{ .ncells = 12, .reps = 5, .scale = 1.0, .cv = 0.03, .seed = 25 },
	};
	struct trio t;

	make_trio(&t, spec);
	ck_assert_int_eq(compare3(&t, NULL, NULL), 0);
	/* The two extra cells of run 3: "3" present, not in baseline, in neither for run 2. */
	ck_assert_uint_eq(fx_count(t.csv, "present_in", "3", false), 4);
	ck_assert_uint_eq(fx_count(t.csv, "verdict", "not in baseline", false), 2);
	ck_assert_uint_eq(fx_count(t.csv, "verdict", "in neither", false), 2);
	ck_assert_uint_eq(fx_count(t.csv, "present_in", "all", false), 20);
	tu_rmtree(t.tmp);
}
END_TEST

START_TEST(csv_and_json_shapes)
{
	struct fx_run spec[3] = {
		{ .ncells = 20, .reps = 5, .scale = 1.0, .cv = 0.03, .seed = 26, .sentinel = true },
		{ .ncells = 20, .reps = 5, .scale = 1.0, .cv = 0.03, .seed = 27, .sentinel = true },
		{ .ncells = 20, .reps = 5, .scale = 1.5, .cv = 0.03, .seed = 28, .sentinel = true },
	};
	struct trio t;
	char json[700], csv[700];

	make_trio(&t, spec);
	snprintf(json, sizeof(json), "%s/out.json", t.tmp);
	snprintf(csv, sizeof(csv), "%s/out.csv", t.tmp);
	ck_assert_int_eq(compare3(&t, (const char *const[]){ "--json", json, "--csv", csv,
							     NULL }, NULL), 0);
	char *a = fx_read_file(csv, NULL), *b = fx_read_file(t.csv, NULL);

	ck_assert_str_eq(a, b);
	ck_assert(tu_contains(a, ",figure,run,run_name,present_in,reps_ok_base,"));
	ck_assert(tu_contains(a, ",ratio_ci_lo,ratio_ci_hi,ci_coverage,p_value,"));
	free(a);
	free(b);
	char *text = fx_read_file(json, NULL);
	size_t records = 0;

	ck_assert_msg(fx_json_valid(text), "not JSON: %.400s", text);
	ck_assert(tu_contains(text, "\"runs\":["));
	/* "slower (machine moved)": run 3's sentinel moved as much */
	ck_assert(tu_contains(text, "\"verdict\":\"slower"));
	ck_assert(tu_contains(text, "\"ci_coverage\":0.87890625,"));
	ck_assert(tu_contains(text, "\"run\":3,"));
	for (const char *s = text; (s = strstr(s, "\"figure\":")); s++)
		records++;
	ck_assert_uint_eq(records, 40);
	free(text);
	tu_rmtree(t.tmp);
}
END_TEST

START_TEST(emulated_against_hardware_refused)
{
	struct fx_run spec[3] = {
		{ .ncells = 20, .reps = 5, .scale = 1.0, .cv = 0.03, .seed = 29 },
		{ .ncells = 20, .reps = 5, .scale = 1.5, .cv = 0.03, .seed = 30,
		  .env_extra = "vm_accel,tcg\n" },
		{ .ncells = 20, .reps = 5, .scale = 1.5, .cv = 0.03, .seed = 31,
		  .env_extra = "vm_accel,kvm\n" },
	};
	struct trio t;
	char *out = NULL;

	make_trio(&t, spec);
	ck_assert_int_eq(compare3(&t, NULL, &out), 0);
	ck_assert_msg(tu_contains(out, "no faster/slower for run 2: it ran emulated"), "%s", out);
	ck_assert_msg(tu_contains(out, "environment differences"), "%s", out);
	ck_assert_msg(tu_contains(out, "vm_accel"), "%s", out);
	ck_assert_uint_eq(count_run(t.csv, 2, "no verdict: emulated vs hardware"), 20);
	ck_assert_uint_eq(count_run(t.csv, 2, ",slower,"), 0);
	/* kvm is hardware speed: judged as usual. */
	ck_assert_uint_gt(count_run(t.csv, 3, ",slower,"), 10);
	free(out);
	/* Two runs, the same rule. */
	const char *args[] = { "compare", t.run[0], t.run[1], "--out", t.out, NULL };

	tu_rmtree(t.out);
	struct evb_spawn_result res = tu_run("evbench", args, 60);

	ck_assert_int_eq(res.exit_status, 0);
	ck_assert_msg(tu_contains(res.out, "no faster/slower: B ran emulated"), "%s", res.out);
	ck_assert_uint_eq(fx_count(t.csv, "verdict", "no verdict: emulated vs hardware", false),
			  20);
	evb_spawn_result_free(&res);
	tu_rmtree(t.tmp);
}
END_TEST

START_TEST(report_of_compare_dir)
{
	struct fx_run spec[3] = {
		{ .ncells = 20, .reps = 5, .scale = 1.0, .cv = 0.03, .seed = 32,
		  .env_extra = "vm_accel,tcg\n" },
		{ .ncells = 20, .reps = 5, .scale = 1.0, .cv = 0.03, .seed = 33,
		  .env_extra = "vm_accel,tcg\n" },
		{ .ncells = 20, .reps = 5, .scale = 1.5, .cv = 0.03, .seed = 34,
		  .env_extra = "vm_accel,tcg\nmitigations,off\n" },
	};
	struct trio t;
	char path[800];

	make_trio(&t, spec);
	ck_assert_int_eq(compare3(&t, NULL, NULL), 0);
	snprintf(path, sizeof(path), "%s/figures/heatmap_notify.dat", t.out);
	ck_assert_msg(access(path, R_OK) == 0, "no %s", path);
	snprintf(path, sizeof(path), "%s/figures/lines_notify.dat", t.out);
	ck_assert_msg(access(path, R_OK) == 0, "no %s", path);
	const char *args[] = { "report", t.out, NULL };
	struct evb_spawn_result res = tu_run("evbench", args, 60);

	ck_assert_msg(res.exit_status == 0, "report: %s", tu_stderr());
	evb_spawn_result_free(&res);
	snprintf(path, sizeof(path), "%s/report.md", t.out);
	char *md = fx_read_file(path, NULL);

	ck_assert_msg(tu_contains(md, "mitigations"), "%s", md);
	ck_assert_msg(tu_contains(md, "off"), "%s", md);
	snprintf(path, sizeof(path), "%s/figures/heatmap_notify.svg", t.out);
	if (access(path, R_OK) == 0)
		ck_assert_msg(tu_contains(md, "heatmap_notify"), "%s", md);
	else
		fprintf(stderr, "no gnuplot: the report's heat map not checked\n");
	free(md);
	snprintf(path, sizeof(path), "%s/report.html", t.out);
	ck_assert_msg(access(path, R_OK) == 0, "no %s", path);
	tu_rmtree(t.tmp);
}
END_TEST

/* --nway: two runs in the N-way form (a compare directory with the runs'
 * environments and a heat map), as `evbench vm` writes for two kernels. */
START_TEST(two_runs_nway_form)
{
	struct fx_run spec[3] = {
		{ .ncells = 10, .reps = 5, .scale = 1.0, .cv = 0.03, .seed = 41 },
		{ .ncells = 10, .reps = 5, .scale = 1.5, .cv = 0.03, .seed = 42 },
		{ .ncells = 10, .reps = 5, .scale = 1.0, .cv = 0.03, .seed = 43 },
	};
	struct trio t;
	char path[800];

	make_trio(&t, spec);
	const char *args[] = { "compare", "--nway", t.run[0], t.run[1], "--out", t.out, NULL };
	struct evb_spawn_result res = tu_run("evbench", args, 60);

	ck_assert_msg(res.exit_status == 0, "compare --nway: %s", tu_stderr());
	evb_spawn_result_free(&res);
	snprintf(path, sizeof(path), "%s/compare_runs.csv", t.out);
	ck_assert_msg(access(path, R_OK) == 0, "no %s", path);
	snprintf(path, sizeof(path), "%s/figures/heatmap_notify.dat", t.out);
	ck_assert_msg(access(path, R_OK) == 0, "no %s", path);
	ck_assert_uint_ge(count_run(t.csv, 2, "slower"), 8);
	tu_rmtree(t.tmp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("compare_nway");
	TCase *tc = tcase_create("compare_nway");

	tcase_set_timeout(tc, 100);
	tcase_add_test(tc, copy_same_scaled_slower);
	tcase_add_test(tc, cell_in_one_run_is_marked);
	tcase_add_test(tc, csv_and_json_shapes);
	tcase_add_test(tc, emulated_against_hardware_refused);
	tcase_add_test(tc, report_of_compare_dir);
	tcase_add_test(tc, two_runs_nway_form);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
