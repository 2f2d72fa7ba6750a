/*
 * test_extreme.c - run directories whose numbers and labels are as large
 * and as strange as CSV allows: every numeric field of results.csv and
 * summary.csv, in every family, replaced by ±1e308, nan, inf, -0, 20-digit
 * integers and the like; a 10 kB variant and mechanism; an OSC title
 * sequence and a raw C1 CSI (0x9b, and U+009B in UTF-8) in a variant and
 * in env.csv's hostname; and figures whose SVG holds <script> and onload.
 * `evbench report` and `evbench compare` (two runs, three, and the report
 * of the three) must exit without crashing (in the sanitizer build: without
 * a report), write bounded output, put no control character or C1 code
 * point on stdout, stderr or in report.md, and no script in report.html.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "evb_csv.h"
#include "evb_sb.h"
#include "evb_text.h"
#include "fixture.h"
#include "testutil.h"

/* Stand-ins in the fixture's rows, replaced when the CSV files are rewritten. */
#define OSC_MARK "oscmark"
#define LONG_MARK "longmark"
#define HOSTILE "\033]0;owned\007 \x9b" "31m \xc2\x9b" "1m caf\xc3\xa9"
#define LONG_LEN 10240
#define OUTPUT_MAX (16 << 20)   /* report.html, report.md: bounded, whatever the data */

static const char *const extremes[] = {
	"1e308", "-1e308", "nan", "inf", "-inf", "-0", "12345678901234567890",
	"-12345678901234567890", "1e300", "1e60", "4.9e-324", "0", "99999999999999999999",
};
#define NEXTREMES (sizeof(extremes) / sizeof(extremes[0]))

/* The payload: only the seed and saturation figures, made huge. */
static const char *const payload_cols[] = { "mean_median", "p99_pooled", "p99_median",
					    "ops_per_s_median", "offered_per_s_median", NULL };

static char long_label[LONG_LEN + 1];

#define SERVE(mode_, mech, var, conns, act, depth_, rate_, arrival_) \
	{ .family = "serve", .mechanism = mech, .variant = var, .mode = mode_, \
	  .placement = "cross-cpu", .connections = conns, .active = act, .depth = depth_, \
	  .msg_size = "64", .work_ns = "0", .rate = rate_, .arrival = arrival_ }

static const struct fx_cell cells[] = {
	{ .family = "notify", .mechanism = "eventfd", .variant = OSC_MARK, .mode = "pingpong",
	  .ipc = "thread", .placement = "cross-cpu" },
	{ .family = "notify", .mechanism = "pipe", .variant = LONG_MARK, .mode = "pingpong",
	  .ipc = "thread", .placement = "cross-cpu" },
	{ .family = "mux", .mechanism = "poll", .mode = "scan", .ipc = "thread",
	  .placement = "same-cpu", .fd_type = "eventfd", .nfds = "10", .active = "1",
	  .threads = "1" },
	{ .family = "mux", .mechanism = LONG_MARK, .mode = "scan", .ipc = "thread",
	  .placement = "same-cpu", .fd_type = "eventfd", .nfds = "100", .active = "1",
	  .threads = "1" },
	{ .family = "timer", .mechanism = "timerfd", .variant = "abs", .mode = "lateness",
	  .placement = "same-cpu", .period_ns = "1000000", .sched = "other", .load = "none" },
	SERVE("open", "select", "", "1000", "100", NULL, "5000", "poisson"),
	SERVE("open", "poll", "", "1000", "100", NULL, "5000", "poisson"),
	SERVE("open", "epoll", "lt", "1000", "100", NULL, "5000", "poisson"),
	SERVE("open", "epoll", "lt", "10000", "1000", NULL, "5000", "poisson"),
	SERVE("open", "epoll", "lt", "100", "10", NULL, "50%", "poisson"),
	SERVE("open", "epoll", "lt", "100", "10", NULL, "150%", "poisson"),
	SERVE("closed", "epoll", "lt", "1000", "100", "1", NULL, NULL),
};

static const char svg[] =
	"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
	"onload=\"alert(1)\"><script>alert(2)</script><rect width=\"1\" height=\"1\"/></svg>\n";
static const char *const figure_names[] = { "notify_latency_pingpong_thread", "mux_scan",
					    "serve_connections", NULL };

/* Is column name an axis or another key that must stay as written? */
static bool key_column(const char *name)
{
	static const char *const keys[] = { "run_id", "rep", "round", "status", "metric", "unit",
					    "reason", NULL };

	for (size_t i = 0; i < EVB_NAXES; i++)
		if (!strcmp(name, evb_axes[i].name))
			return true;
	for (size_t i = 0; keys[i]; i++)
		if (!strcmp(name, keys[i]))
			return true;
	return false;
}

static bool numeric(const char *text)
{
	char *end;

	if (!*text)
		return false;
	(void)strtod(text, &end);
	return *end == '\0';
}

static bool payload_column(const char *name)
{
	for (size_t i = 0; payload_cols[i]; i++)
		if (!strcmp(name, payload_cols[i]))
			return true;
	return false;
}

/*
 * Rewrite the CSV at path: the marks become the hostile and the long
 * label; every numeric field that is not a key an extreme (all: true), or
 * only the payload's columns 1e300 and 1e60 (all: false).
 */
static void rewrite(const char *path, bool all, size_t offset)
{
	struct evb_table t;
	FILE *f;

	ck_assert_msg(evb_table_load(&t, path) == 0, "%s", t.error);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	for (size_t c = 0; c < t.header.nfields; c++) {
		fputs(c ? "," : "", f);
		evb_csv_field(f, t.header.fields[c]);
	}
	fputc('\n', f);
	for (size_t r = 0; r < t.nrows; r++) {
		for (size_t c = 0; c < t.header.nfields; c++) {
			const char *name = t.header.fields[c], *v = t.rows[r].fields[c];

			if (!strcmp(v, OSC_MARK))
				v = HOSTILE;
			else if (!strcmp(v, LONG_MARK))
				v = long_label;
			else if (all && !key_column(name) && numeric(v))
				v = extremes[(r * 7 + c + offset) % NEXTREMES];
			else if (!all && payload_column(name))
				v = strstr(name, "ops_per_s") ? "1e60" : "1e300";
			fputs(c ? "," : "", f);
			evb_csv_field(f, v);
		}
		fputc('\n', f);
	}
	ck_assert_int_eq(fclose(f), 0);
	evb_table_free(&t);
}

/* A checked run of evbench: its stderr, each line as it comes. */
struct ran {
	const char *what;
	size_t err_bytes;
};

/* Every character of text[0 .. len) may be shown, or is a line break or tab. */
static void all_printable(const char *text, size_t len, const char *what)
{
	for (size_t i = 0; i < len;) {
		bool shown;
		size_t n = evb_text_char(text + i, len - i, &shown);

		ck_assert_msg(n && (shown || text[i] == '\n' || text[i] == '\t'),
			      "%s: byte 0x%02x at %zu may not be shown", what,
			      (unsigned char)text[i], i);
		i += n;
	}
}

static void on_stderr(void *arg, const char *line)
{
	struct ran *ran = arg;

	ran->err_bytes += strlen(line);
	all_printable(line, strlen(line), ran->what);
}

/* evbench args...: no crash (exit 0 or 2), printable bounded output. */
static void run(const char *const *args)
{
	char *argv[16];
	size_t n = 0;
	struct ran ran = { .what = args[0] };
	struct evb_spawn_opts opts = { .timeout_ns = 240 * (int64_t)1000000000, .cancel_fd = -1,
				       .on_stderr = on_stderr, .arg = &ran };
	struct evb_spawn_result res;

	argv[n++] = (char *)tu_bin("evbench");
	for (size_t i = 0; args[i] && n < 15; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	ck_assert_int_eq(evb_spawn(argv, &opts, &res), 0);
	ck_assert_msg(res.end == EVB_SPAWN_EXITED &&
		      (res.exit_status == 0 || res.exit_status == 2),
		      "evbench %s: end %d, exit %d, signal %d: %s", args[0], res.end,
		      res.exit_status, res.term_signal, res.last_err);
	all_printable(res.out, res.out_len, args[0]);
	ck_assert_msg(!res.out_truncated, "evbench %s: more than %d bytes on stdout", args[0],
		      EVB_SPAWN_OUT_MAX);
	ck_assert_msg(ran.err_bytes < EVB_SPAWN_OUT_MAX, "evbench %s: %zu bytes on stderr",
		      args[0], ran.err_bytes);
	evb_spawn_result_free(&res);
}

static void write_run(const char *dir, bool all, size_t offset)
{
	char path[1024];
	FILE *f;

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	f = fx_open(dir);
	for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++) {
		const double values[] = { 1000, 1010, 990, 1005, 995 };

		fx_latency(f, &cells[i], values, 5);
	}
	ck_assert_int_eq(fclose(f), 0);
	snprintf(path, sizeof(path), "%s/env.csv", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("key,value\nrun_id,extreme\nhostname,", f);
	evb_csv_field(f, HOSTILE);
	fputs("\nkernel_release,", f);
	evb_csv_field(f, HOSTILE);
	fputs("\nrun_state,complete\n", f);
	ck_assert_int_eq(fclose(f), 0);

	const char *summarize[] = { "summarize", dir, NULL };

	run(summarize);
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	rewrite(path, all, offset);
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	rewrite(path, all, offset);
	snprintf(path, sizeof(path), "%s/figures", dir);
	mkdir(path, 0755);
	for (size_t i = 0; figure_names[i]; i++) {
		snprintf(path, sizeof(path), "%s/figures/%s.svg", dir, figure_names[i]);
		fx_write_file(path, svg);
	}
}

/* report.html and report.md of dir: bounded, no script, nothing unprintable. */
static void check_report(const char *dir)
{
	char path[1024];
	size_t len;
	char *html, *md;

	snprintf(path, sizeof(path), "%s/report.html", dir);
	html = fx_read_file(path, &len);
	ck_assert_uint_lt(len, OUTPUT_MAX);
	ck_assert_msg(!strcasestr(html, "<script"), "%s: a figure's <script>", path);
	ck_assert_msg(!strcasestr(html, "onload"), "%s: a figure's onload", path);
	all_printable(html, len, path);
	free(html);
	snprintf(path, sizeof(path), "%s/report.md", dir);
	md = fx_read_file(path, &len);
	ck_assert_uint_lt(len, OUTPUT_MAX);
	all_printable(md, len, path);
	free(md);
}

/* The payload of the issue: 1e300 and 1e60 where the seed and saturation
 * tables put them; the hostile labels and figures beside. */
START_TEST(report_of_huge_figures)
{
	char tmp[512], dir[600], path[700];

	tu_tmpdir(tmp, sizeof(tmp));
	snprintf(dir, sizeof(dir), "%s/run", tmp);
	write_run(dir, false, 0);

	const char *report[] = { "report", dir, NULL };

	run(report);
	check_report(dir);
	snprintf(path, sizeof(path), "%s/report.html", dir);
	char *html = tu_slurp(path);

	ck_assert_msg(strstr(html, "<img alt=") && strstr(html, "data:image/svg+xml;base64,"),
		      "%s: no figure embedded", path);
	free(html);
	/* The tables the payload aims at were written, with the cut marked. */
	snprintf(path, sizeof(path), "%s/report.md", dir);
	char *md = tu_slurp(path);

	const char *table = strstr(md, "### The published server table");

	ck_assert(tu_contains(md, "### Saturation"));
	ck_assert_ptr_nonnull(table);
	char *seed_row = fx_line(table, "| 1,000 | ");

	ck_assert_msg(seed_row && tu_contains(seed_row, EVB_SB_MARK " |"), "no cut in the seed "
		      "table's 1,000 row");
	free(seed_row);
	free(md);
	tu_rmtree(tmp);
}
END_TEST

/* Every number extreme, in every family, in both files; two runs and three. */
START_TEST(report_and_compare_of_extremes)
{
	char tmp[512], a[600], b[600], out2[600], out3[600];

	tu_tmpdir(tmp, sizeof(tmp));
	snprintf(a, sizeof(a), "%s/a", tmp);
	snprintf(b, sizeof(b), "%s/b", tmp);
	snprintf(out2, sizeof(out2), "%s/cmp2", tmp);
	snprintf(out3, sizeof(out3), "%s/cmp3", tmp);
	write_run(a, true, 0);
	write_run(b, true, 5);

	const char *report[] = { "report", a, NULL };
	const char *compare2[] = { "compare", a, b, "--out", out2, NULL };
	const char *compare3[] = { "compare", a, b, a, "--out", out3, NULL };
	const char *report3[] = { "report", out3, NULL };

	run(report);
	check_report(a);
	run(compare2);
	run(compare3);
	run(report3);
	tu_rmtree(tmp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("extreme");
	TCase *tc = tcase_create("run directory");

	/* 10 kB of a label, with a two-byte character so that a cut can fall inside one */
	for (size_t i = 0; i < LONG_LEN; i += 2)
		memcpy(long_label + i, i % 64 ? "vv" : "\xc3\xa9", 2);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, report_of_huge_figures);
	tcase_add_test(tc, report_and_compare_of_extremes);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
