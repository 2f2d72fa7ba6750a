/*
 * test_report.c - report.md and report.html of a synthetic run holding
 * every family: every section is present in both, every table of figures
 * says how far it can be trusted, a failed repetition shows up in the
 * table of cells that did not run (and in the counts), a percentile the
 * samples cannot support is "-" with a note (never 0), the scan table
 * marks the variants whose re-arm is timed, and the sentinel's spread is
 * reported.
 */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "testutil.h"

static char *md, *html, *dir_path;

#define NOTIFY(mech, var) \
	{ .family = "notify", .mechanism = mech, .variant = var, .mode = "pingpong", \
	  .ipc = "thread", .placement = "same-cpu" }
#define SCAN(mech, var, n) \
	{ .family = "mux", .mechanism = mech, .variant = var, .mode = "scan", .ipc = "thread", \
	  .placement = "same-cpu", .fd_type = "eventfd", .nfds = n, .active = "1", \
	  .threads = "1" }

static const double values[] = { 5000, 5100, 4900, 5050, 4950, 5020 };

static void write_sentinel(const char *dir)
{
	char path[1024];
	const struct fx_cell pipe = NOTIFY("pipe", "");
	FILE *f;

	snprintf(path, sizeof(path), "%s/sentinel.csv", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(evb_row_write_header(f), 0);
	fx_latency(f, &pipe, values, 4);
	ck_assert_int_eq(fclose(f), 0);
}

static void build_run(void)
{
	static char dir[512];
	const struct fx_cell efd = NOTIFY("eventfd", "counter"), pipe = NOTIFY("pipe", ""),
		futex = NOTIFY("futex", ""), poll1k = SCAN("poll", NULL, "1000"),
		epoll1k = SCAN("epoll", "lt", "1000"), et1k = SCAN("epoll", "et", "1000"),
		fdset10k = SCAN("select", "fdset", "10000");
	const struct fx_cell tfd = { .family = "timer", .mechanism = "timerfd", .variant = "abs",
				     .mode = "lateness", .placement = "same-cpu",
				     .period_ns = "1000000", .sched = "other", .load = "none" };
	struct evb_row row;

	tu_tmpdir(dir, sizeof(dir));
	dir_path = dir;
	FILE *f = fx_open(dir);

	fx_latency(f, &efd, values, 6);
	fx_latency(f, &pipe, values, 2);
	fx_row(&row, &pipe, 3);
	evb_row_set(&row, status, EVB_STATUS_FAILED);
	evb_row_reason(&row, "lost 3 of 2000 events");
	fx_write(f, &row);
	/* 100 samples: p50 and p90 are written, p99 and p999 are not */
	for (int i = 0; i < 6; i++) {
		fx_row(&row, &futex, i + 1);
		row.samples = row.sent = row.delivered = 100;
		row.min = 1000, row.p50 = 2000 + 10 * i, row.p90 = 3000, row.max = 9000;
		row.mean = 2100;
		fx_write(f, &row);
	}
	fx_latency(f, &poll1k, values, 6);
	fx_latency(f, &epoll1k, values, 6);
	fx_latency(f, &et1k, values, 6);
	fx_row(&row, &fdset10k, 1);
	evb_row_set(&row, status, EVB_STATUS_SKIPPED);
	evb_row_reason(&row, "select: fd 10020 >= FD_SETSIZE 1024");
	fx_write(f, &row);
	fx_latency(f, &tfd, values, 6);
	write_sentinel(dir);
	md = fx_finish(f, dir, &html);
}

static void cleanup(void)
{
	free(md);
	free(html);
	tu_rmtree(dir_path);
}

START_TEST(sections_present)
{
	static const char *const headings[] = {
		"evbench report: fixture", "Claims put to the test",
		"How far to trust these numbers", "Notify: signals, eventfd",
		"Mux: select, poll, epoll and io_uring", "Timer: timerfd, POSIX timers",
		"Cells that did not run, or not every time", "Cross-check",
		"Environment (env.csv)", NULL,
	};

	for (size_t i = 0; headings[i]; i++) {
		ck_assert_msg(tu_contains(md, headings[i]), "report.md lacks '%s'", headings[i]);
		ck_assert_msg(tu_contains(html, headings[i]), "report.html lacks '%s'",
			      headings[i]);
	}
}
END_TEST

START_TEST(every_table_says_how_far_to_trust_it)
{
	size_t notes = 0;

	for (const char *p = md; (p = strstr(p, "How far to trust this table")); p++)
		notes++;
	/* notify key cells, mux scan, timer lateness */
	ck_assert_uint_ge(notes, 3);
	char *note = fx_line(md, "How far to trust this table: ");

	ck_assert_ptr_nonnull(note);
	ck_assert_msg(tu_contains(note, "ok repetitions per cell") &&
		      tu_contains(note, "coverage") && tu_contains(note, "half-width") &&
		      tu_contains(note, "precision target") &&
		      tu_contains(note, "driver runs not ok in these cells: 1"), "%s", note);
	free(note);
	ck_assert(tu_contains(html, "class=\"trust\""));
}
END_TEST

START_TEST(failed_row_listed)
{
	char *line = fx_line(md, "| notify pipe pingpong thread same-cpu |");

	ck_assert_msg(line != NULL, "the failed repetition's cell is not in the table");
	ck_assert_msg(tu_contains(line, "| partial |") && tu_contains(line, "| 2/3 |") &&
		      tu_contains(line, "lost 3 of 2000 events"), "%s", line);
	free(line);
	ck_assert(tu_contains(md, "1 failed"));
	ck_assert(tu_contains(md, "select: fd 10020 >= FD_SETSIZE 1024"));
}
END_TEST

START_TEST(percentile_without_samples)
{
	char *line = fx_line(md, "| futex |");

	ck_assert_ptr_nonnull(line);
	ck_assert_msg(!tu_contains(line, "| 0 ns |"), "a missing p99 printed as 0: %s", line);
	ck_assert_msg(tu_contains(line, "| - |"), "%s", line);
	free(line);
	ck_assert(tu_contains(md, "too few samples to support that percentile"));
	ck_assert(tu_contains(md, "p99 (1000)"));
}
END_TEST

START_TEST(rearm_timed)
{
	ck_assert(tu_contains(md, "| epoll/et (re-arm timed) |"));
	ck_assert(!tu_contains(md, "| epoll/lt (re-arm timed) |"));
}
END_TEST

START_TEST(trust_section)
{
	char *line = fx_line(md, "| notify |");

	ck_assert_ptr_nonnull(line);
	free(line);
	ck_assert(tu_contains(md, "the same cell measured 4 times"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("synthetic run");

	tcase_add_unchecked_fixture(tc, build_run, cleanup);
	tcase_add_test(tc, sections_present);
	tcase_add_test(tc, every_table_says_how_far_to_trust_it);
	tcase_add_test(tc, failed_row_listed);
	tcase_add_test(tc, percentile_without_samples);
	tcase_add_test(tc, rearm_timed);
	tcase_add_test(tc, trust_section);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
