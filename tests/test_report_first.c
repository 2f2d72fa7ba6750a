/*
 * test_report_first.c - the report's first screen on a synthetic run whose
 * numbers make a wrong pick fail: the run's one-line identity, then "Key
 * results" (per family the fastest and the slowest mechanism of its
 * headline cell, each with its interval and coverage; where mux's scan
 * grows), then the compact claims table, one line per claim with its
 * verdict and ratio, each claim a <details> element in HTML holding its
 * tests, and the per-test table under "Claim details" in Markdown.
 *
 * Decoys: a faster notify cell on one CPU (the key cell is on two), a
 * partial cell (one failed repetition) and a skipped one faster than any,
 * a mux scan at another size; a hostile mechanism name (the fastest) and a
 * hostile reason (inside a claim's details) must come out escaped.
 */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "testutil.h"

#define HOSTILE "<img src=x onerror=alert(1)>"
#define HOSTILE_REASON "<script>alert(2)</script>"

#define RTT(mech, var, where) \
	{ .family = "notify", .mechanism = mech, .variant = var, .mode = "pingpong", \
	  .ipc = "thread", .placement = where }
#define SCAN(mech, var, n) \
	{ .family = "mux", .mechanism = mech, .variant = var, .mode = "scan", .ipc = "thread", \
	  .placement = "same-cpu", .fd_type = "eventfd", .nfds = n, .active = "1", \
	  .threads = "1" }
#define CLOSED(mech, var) \
	{ .family = "serve", .mechanism = mech, .variant = var, .mode = "closed", \
	  .placement = "cross-cpu", .connections = "4", .active = "2", .depth = "1", \
	  .msg_size = "64", .work_ns = "0" }

static char *md, *html, *dir_path;

/* Six repetitions around centre (+-1%): the median is centre. */
static void around(FILE *f, const struct fx_cell *c, double centre)
{
	const double spread[] = { 0, 0.01, -0.01, 0.005, -0.005, 0 };
	double v[6];

	for (int i = 0; i < 6; i++)
		v[i] = centre * (1 + spread[i]);
	fx_latency(f, c, v, 6);
}

static void closed_rows(FILE *f, const struct fx_cell *c, double per_s, const char *reason)
{
	for (int i = 0; i < 5; i++) {
		struct evb_row row;

		fx_row(&row, c, i + 1);
		row.p50 = 20000, row.p90 = row.p99 = 40000, row.max = 60000, row.mean = 21000;
		row.ops_per_s = per_s * (1 + 0.01 * (i - 2));
		if (reason)
			evb_row_reason(&row, reason);
		fx_write(f, &row);
	}
}

static void notify_rows(FILE *f)
{
	const struct fx_cell efd = RTT("eventfd", "counter", "cross-cpu"),
		pipe = RTT("pipe", "", "cross-cpu"), hostile = RTT(HOSTILE, "", "cross-cpu"),
		handler = RTT("signal-handler", "std", "cross-cpu"),
		partial = RTT("futex", "", "cross-cpu"), skipped = RTT("condvar", "pshared", "cross-cpu"),
		one_cpu = RTT("eventfd", "semaphore", "same-cpu"),
		sigfd = RTT("signalfd", "std", "same-cpu");
	struct evb_row row;

	around(f, &efd, 3000);
	around(f, &pipe, 6000);
	around(f, &hostile, 2000);       /* the fastest */
	around(f, &handler, 9000);       /* the slowest */
	around(f, &partial, 500);        /* faster, but one repetition failed */
	fx_row(&row, &partial, 7);
	evb_row_set(&row, status, EVB_STATUS_FAILED);
	evb_row_reason(&row, "lost 1 of 2000 events");
	fx_write(f, &row);
	fx_row(&row, &skipped, 1);
	evb_row_set(&row, status, EVB_STATUS_SKIPPED);
	evb_row_reason(&row, "not here");
	row.p50 = 100;
	fx_write(f, &row);
	around(f, &one_cpu, 400);        /* another cell: on one CPU */
	/* signalfd's claim cell failed, with a reason that is HTML */
	fx_row(&row, &sigfd, 1);
	evb_row_set(&row, status, EVB_STATUS_FAILED);
	evb_row_reason(&row, HOSTILE_REASON);
	fx_write(f, &row);
}

static void build_run(void)
{
	static char dir[512];
	static const char *const nfds[] = { "1", "10", "100", "1000", "10000" };
	const double poll[] = { 1000, 1100, 2000, 10000, 40000 };
	const double epoll[] = { 1000, 1010, 1020, 1050, 1100 };

	tu_tmpdir(dir, sizeof(dir));
	dir_path = dir;
	FILE *f = fx_open(dir);

	notify_rows(f);
	for (int k = 0; k < 5; k++) {
		const struct fx_cell p = SCAN("poll", NULL, nfds[k]), e = SCAN("epoll", "lt", nfds[k]);

		around(f, &p, poll[k]);
		around(f, &e, epoll[k]);
	}

	const struct fx_cell c_epoll = CLOSED("epoll", "lt"), c_poll = CLOSED("poll", NULL),
		c_select = CLOSED("select", "fdset");

	closed_rows(f, &c_epoll, 50000, NULL);
	closed_rows(f, &c_poll, 30000, "client-bound: client CPU 99%");
	closed_rows(f, &c_select, 40000, NULL);
	md = fx_finish_env(f, dir, "kernel_release,6.1.0-test\nrun_profile,quick\n", &html);
}

static void cleanup(void)
{
	free(md);
	free(html);
	tu_rmtree(dir_path);
}

static const char *after(const char *text, const char *needle)
{
	const char *p = strstr(text, needle);

	ck_assert_msg(p != NULL, "no '%s'", needle);
	return p;
}

START_TEST(order)
{
	const char *keys = after(md, "\n## Key results\n"), *claims = after(md, "\n## Claims put");
	const char *details = after(md, "\n## Claim details\n"), *run = after(md, "\n## This run\n");
	const char *first_h2 = strstr(md, "\n## ");

	ck_assert_ptr_eq(first_h2, keys);
	ck_assert(keys < claims && claims < details && details < run);
	/* the identity, one line, before the key results */
	char *ident = fx_line(md, "fixture-host, kernel 6.1.0-test, profile quick: complete");

	ck_assert_ptr_nonnull(ident);
	ck_assert(strstr(md, ident) < keys);
	ck_assert_msg(tu_contains(ident, "driver runs (") && tu_contains(ident, " ok, 1 skipped, 2 "
		      "failed"), "%s", ident);
	free(ident);
	/* what was on the first screen before is still in the report, below */
	ck_assert(strstr(md, "| repetitions per cell |") > run);
	ck_assert(tu_contains(md, "How the tests combine"));
	const char *h_keys = after(html, "<h2>Key results</h2>"), *h_claims = after(html,
		"<h2>Claims put to the test</h2>");

	ck_assert(h_keys < h_claims && h_claims < after(html, "<h2>This run</h2>"));
}
END_TEST

START_TEST(fastest_and_slowest)
{
	char *fast = fx_line(md, "- Fastest: \\" HOSTILE), *slow = fx_line(md, "- Slowest of 4: "
		"signal-handler/std, 9.00 us");

	ck_assert_msg(fast != NULL, "the fastest notify mechanism is not the hostile one");
	ck_assert_msg(tu_contains(fast, "2.00 us [1.98, 2.02 us] at 96.9% coverage, 6 reps"),
		      "%s", fast);
	ck_assert_msg(slow != NULL && tu_contains(slow, "9.00 us [8.91, 9.09 us]") &&
		      tu_contains(slow, "4.5x the fastest"), "%s", slow ? slow : "no line");
	free(fast);
	free(slow);
	ck_assert(tu_contains(md, "Round trip between two threads on two CPUs"));
	ck_assert(tu_contains(md, "- 2 more did not run ok here: not ranked."));
	/* mux at 1,000 fds */
	ck_assert(tu_contains(md, "- Fastest: epoll/lt, 1.05 us [1.04, 1.06 us]"));
	ck_assert(tu_contains(md, "- Slowest of 2: poll, 10.0 us [9.9, 10.1 us]"));
	/* serve: the most requests per second; a client-bound cell is a floor */
	ck_assert(tu_contains(md, "- Fastest: epoll/lt, 50.0 k/s [49.0, 51.0 k/s]"));
	char *floor_line = fx_line(md, "- Slowest of 3: poll, 30.0 k/s");

	ck_assert_msg(floor_line && tu_contains(floor_line, "5 of 5 repetitions client-bound: a "
		      "floor") && tu_contains(floor_line, "1.7x the fastest"), "%s",
		      floor_line ? floor_line : "no line");
	free(floor_line);
}
END_TEST

START_TEST(scan_bends)
{
	char *line = fx_line(md, "- poll's scan time grows");

	ck_assert_msg(line && tu_contains(line, "- poll's scan time grows 40x from 1 to 10,000 fds, "
					  "twice its first by 100 fds; epoll/lt's 1.1x (the least "
					  "of 2 measured at both)."), "%s", line ? line : "no line");
	free(line);
}
END_TEST

/* Rows of the table that starts at heading, up to the next heading. */
static size_t table_rows(const char *text, const char *heading, size_t *first_rows)
{
	const char *p = after(text, heading) + strlen(heading);
	const char *end = strstr(p, "\n## ");
	size_t rows = 0;

	*first_rows = 0;
	for (; p && (!end || p < end); p = strchr(p + 1, '\n')) {
		if (strncmp(p, "\n| ", 3) || !strncmp(p, "\n| claim |", 10))
			continue;
		rows++;
		/* a claim's first row names it; its other tests start "|  |" */
		*first_rows += strncmp(p, "\n|  |", 5) != 0;
	}
	return rows;
}

START_TEST(compact_claims)
{
	size_t compact_first, detail_first, details = 0;
	size_t compact = table_rows(md, "\n## Claims put to the test\n", &compact_first);
	size_t tests = table_rows(md, "\n## Claim details\n", &detail_first);

	/* one line per claim, fewer than the tests */
	ck_assert_uint_gt(compact, 5);
	ck_assert_uint_eq(compact, compact_first);
	ck_assert_uint_eq(compact, detail_first);
	ck_assert_uint_gt(tests, compact);
	for (const char *p = html; (p = strstr(p, "<details>")); p++)
		details++;
	ck_assert_uint_eq(details, compact);

	char *line = fx_compact_claim_line(md, "signalfd: low latency.");

	ck_assert_msg(tu_contains(line, "| not measured | - |"), "%s", line);
	free(line);
	line = fx_compact_claim_line(md, "select/poll scan O(n); epoll O(1) in registered fds.");
	/* poll grew 4x from 1,000 to 10,000 fds: a ratio with its interval */
	ck_assert_msg(tu_contains(line, "| does not hold | 4.00x [3.92, 4.08] (>= 93.8% order "
				  "statistics), test 1 of 2 |"), "%s", line);
	free(line);
}
END_TEST

START_TEST(escaped_inside_details)
{
	const char *sigfd = after(html, "<span>signalfd: low latency.</span>");
	const char *open = strstr(sigfd, "<div class=\"dd\">"), *close = strstr(sigfd, "</details>");
	const char *hit = strstr(sigfd, "&lt;script&gt;alert(2)&lt;/script&gt;");

	ck_assert(open && close && hit);
	ck_assert_msg(open < hit && hit < close, "the hostile reason is not inside the claim's "
		      "details element");
	ck_assert(!strstr(html, "<script>"));
	ck_assert(!strstr(html, "<img"));
	ck_assert(tu_contains(html, "Fastest: &lt;img src=x onerror=alert(1)&gt;"));
	/* the claim's tests' wording is inside the details too */
	const char *test = strstr(sigfd, "Test: ");

	ck_assert(test && test < close);
	/* in Markdown the hostile reason is in the details table only, escaped */
	const char *md_hit = strstr(md, "\\<script>alert(2)\\</script>");

	ck_assert(md_hit && md_hit > strstr(md, "\n## Claim details\n"));
	for (const char *p = md; (p = strstr(p, "<script>")); p++)
		ck_assert_msg(p > md && p[-1] == '\\', "an unescaped <script> in report.md");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("report_first");
	TCase *tc = tcase_create("first screen");

	tcase_add_unchecked_fixture(tc, build_run, cleanup);
	tcase_add_test(tc, order);
	tcase_add_test(tc, fastest_and_slowest);
	tcase_add_test(tc, scan_bends);
	tcase_add_test(tc, compact_claims);
	tcase_add_test(tc, escaped_inside_details);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
