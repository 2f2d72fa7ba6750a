/*
 * test_hostile.c - a run directory is data from elsewhere: a guest, a
 * fleet host, whoever handed it over.  Its labels and run_id hold gnuplot
 * code (quotes around system(), backquotes, '@' macros), HTML, Markdown
 * links, newlines, backslashes; `evbench plot`, `report` and `compare` (two
 * runs and three) run on it from a directory where each injected command
 * would leave a canary file.  No canary may appear, every command exits 0,
 * no escape sequence a label holds reaches the terminal,
 * the figures are drawn, and the labels come out escaped in report.html,
 * report.md and compare.csv.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evb_csv.h"
#include "fixture.h"
#include "testutil.h"

/* Each would touch a file in the current directory if parsed as code. */
#define RUN_ID "x\" . system(\"touch c1\") . \"`touch c2`"
#define MECH "m'; y=system('touch c3'); z='"
#define VARIANT "\033]0;owned\007v`touch c4`\n<script>alert(1)</script> @ARG1 \\ \" | " \
	"[l](javascript:x)"
#define MUX_MECH "mx\"; system(\"touch c5\"); \"@x"
/* A run directory named like a gnuplot pipe, given as a relative path. */
#define PIPE_DIR "<touch c6;x"

static const char *const canaries[] = { "c1", "c2", "c3", "c4", "c5", "c6", NULL };

static void write_run(const char *dir, double scale)
{
	static const struct fx_cell notify = { .family = "notify", .mechanism = MECH,
					       .variant = VARIANT, .mode = "pingpong",
					       .ipc = "thread", .placement = "cross-cpu" };
	struct fx_cell mux = { .family = "mux", .mechanism = MUX_MECH, .mode = "scan",
			       .ipc = "thread", .placement = "same-cpu", .fd_type = "eventfd",
			       .active = "1", .threads = "1" };
	const double values[] = { 1000 * scale, 1010 * scale, 990 * scale, 1005 * scale,
				  995 * scale };
	char path[1200];
	FILE *f, *env;

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	f = fx_open(dir);
	fx_latency(f, &notify, values, 5);
	mux.nfds = "10";
	fx_latency(f, &mux, values, 5);
	mux.nfds = "100";
	fx_latency(f, &mux, values, 5);
	ck_assert_int_eq(fclose(f), 0);
	snprintf(path, sizeof(path), "%s/env.csv", dir);
	env = fopen(path, "w");
	ck_assert_ptr_nonnull(env);
	fputs("key,value\nrun_id,", env);
	evb_csv_field(env, RUN_ID);
	fputs("\nhostname,", env);
	evb_csv_field(env, "<b>host</b>\n# heading");
	fputs("\nrun_state,complete\n", env);
	ck_assert_int_eq(fclose(env), 0);
}

static void no_canary(const char *after)
{
	for (int i = 0; canaries[i]; i++)
		ck_assert_msg(access(canaries[i], F_OK) != 0, "evbench %s: %s was created: code ran",
			      after, canaries[i]);
}

/*
 * evbench args: nothing it ran touched a canary, it exited 0, and no
 * escape sequence from a label reached the terminal (stdout or stderr).
 */
static void run_ok(const char *const *args)
{
	struct evb_spawn_result res = tu_run("evbench", args, 120);

	no_canary(args[0]);
	ck_assert_msg(res.end == EVB_SPAWN_EXITED && res.exit_status == 0,
		      "evbench %s: exit %d: %s", args[0], res.exit_status, tu_stderr());
	ck_assert_msg(!strchr(res.out, '\033') && !strchr(tu_stderr(), '\033'),
		      "evbench %s: a label's escape sequence reached the terminal", args[0]);
	evb_spawn_result_free(&res);
}

/* Every occurrence of needle in text comes right after prefix. */
static void only_after(const char *text, const char *needle, const char *prefix,
		       const char *what)
{
	size_t n = strlen(prefix);

	for (const char *hit = strstr(text, needle); hit; hit = strstr(hit + 1, needle))
		ck_assert_msg(hit - text >= (long)n && !strncmp(hit - n, prefix, n),
			      "%s: unescaped %s", what, needle);
}

static int have_gnuplot(void)
{
	return system("command -v gnuplot >/dev/null 2>&1") == 0;
}

/* The run's figure of the hostile labels was drawn. */
static void drawn(const char *dir, const char *name)
{
	char path[1200];

	if (!have_gnuplot())
		return;
	snprintf(path, sizeof(path), "%s/figures/%s.svg", dir, name);
	char *svg = tu_slurp(path);

	ck_assert_msg(!strstr(svg, "<script>"), "%s: a label as SVG markup", path);
	free(svg);
}

START_TEST(hostile_labels_stay_text)
{
	char tmp[512], a[700], b[700], out2[700], out3[700], path[1200];

	tu_tmpdir(tmp, sizeof(tmp));
	ck_assert_int_eq(chdir(tmp), 0);   /* an injected "touch cN" would land here */
	snprintf(a, sizeof(a), "%s/" PIPE_DIR, tmp);
	snprintf(b, sizeof(b), "%s/b", tmp);
	snprintf(out2, sizeof(out2), "%s/cmp2", tmp);
	snprintf(out3, sizeof(out3), "%s/cmp3", tmp);
	write_run(a, 1.0);
	write_run(b, 1.5);

	const char *summarize_a[] = { "summarize", PIPE_DIR, NULL };
	const char *summarize_b[] = { "summarize", "b", NULL };
	const char *plot[] = { "plot", PIPE_DIR, NULL };
	const char *report[] = { "report", PIPE_DIR, NULL };
	const char *compare2[] = { "compare", a, b, "--out", out2, NULL };
	const char *compare3[] = { "compare", a, b, a, "--out", out3, NULL };

	run_ok(summarize_a);
	run_ok(summarize_b);
	run_ok(plot);
	drawn(a, "notify_latency_pingpong_thread");
	drawn(a, "mux_scan");
	run_ok(report);
	run_ok(compare2);
	drawn(out2, "compare");
	run_ok(compare3);
	drawn(out3, "heatmap_notify");

	snprintf(path, sizeof(path), "%s/report.html", a);
	char *html = tu_slurp(path);

	ck_assert_msg(tu_contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;"), "%s", html);
	ck_assert(!strstr(html, "<script>"));
	ck_assert(!strstr(html, "<b>host</b>"));
	free(html);

	snprintf(path, sizeof(path), "%s/report.md", a);
	char *md = tu_slurp(path);

	ck_assert_msg(tu_contains(md, "\\<script>alert(1)\\</script>"), "%s", md);
	only_after(md, "<script>", "\\", "report.md");
	only_after(md, "</script>", "\\", "report.md");
	only_after(md, "](javascript:", "\\", "report.md");
	ck_assert(!strstr(md, "\n# heading"));
	free(md);

	/* compare.csv reads back: each label one field, as it was. */
	struct evb_table t;
	size_t found = 0;

	snprintf(path, sizeof(path), "%s/compare.csv", out2);
	ck_assert_msg(evb_table_load(&t, path) == 0, "%s", t.error);
	for (size_t r = 0; r < t.nrows; r++)
		found += !strcmp(evb_table_get(&t, r, evb_table_col(&t, "mechanism")), MECH) &&
			 !strcmp(evb_table_get(&t, r, evb_table_col(&t, "variant")), VARIANT);
	ck_assert_int_eq(found, 1);
	evb_table_free(&t);
	tu_rmtree(tmp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc = tcase_create("run directory");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, hostile_labels_stay_text);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
