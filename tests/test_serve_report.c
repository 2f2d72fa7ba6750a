/*
 * test_serve_report.c - the serve section of the report and the serve
 * claims on synthetic runs with known values: the section and its tables
 * appear, the published server table prints the published numbers beside
 * the measured ones and says why 100,000 connections did not run, a
 * client-bound repetition is marked and judged by nothing, and the claims
 * hold, do not hold or are inconclusive as the data says (two runs: the
 * table's shape holds in one and not in the other).
 */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "testutil.h"

#define SERVE(mode_, mech, var, where, conns, act, depth_, rate_, arrival_) \
	{ .family = "serve", .mechanism = mech, .variant = var, .mode = mode_, \
	  .placement = where, .connections = conns, .active = act, .depth = depth_, \
	  .msg_size = "64", .work_ns = "0", .rate = rate_, .arrival = arrival_ }
/* evb-serve's open rows have no depth */
#define SEED(mech, var, conns, act) \
	SERVE("open", mech, var, "cross-cpu", conns, act, NULL, "5000", "poisson")
#define CLOSED(mech, var) SERVE("closed", mech, var, "cross-cpu", "1000", "100", "1", NULL, NULL)
#define RTT(mech, var) SERVE("closed", mech, var, "same-cpu", "1", "1", "1", NULL, NULL)
/* A closed io_uring cell on the setup the claim judges (defer). */
#define RING(var) \
	{ .family = "serve", .mechanism = "io_uring", .variant = var, .mode = "closed", \
	  .placement = "cross-cpu", .connections = "1000", .active = "100", .depth = "1", \
	  .msg_size = "64", .work_ns = "0", .uring_setup = "defer" }

static char *md, *md_fails, *dir_path, *dir_fails_path;

/* blocked_writes of io_uring/poll's repetitions: 3 of 5 above 0, median 12 */
static const int64_t poll_blocked[5] = { 0, 12, 0, 15, 12 };

/*
 * Five ok repetitions: mean latency, req/s, server CPU per request (the
 * client's the same, the machine's twice it), delivered twice the measured
 * samples (a warm-up as long as the window), the server's troubles 0 (an
 * io_uring cell's ring counts too; io_uring/poll's blocked writes above).
 */
static void serve_rows(FILE *f, const struct fx_cell *c, double mean_ns, double per_s,
		       double cpu_ns, const char *reason)
{
	for (int i = 0; i < 5; i++) {
		struct evb_row row;
		double wobble = 1 + 0.01 * (i - 2);

		fx_row(&row, c, i + 1);
		row.sent = row.delivered = 2 * row.samples;
		row.machine_cpu_ns = (int64_t)(2 * cpu_ns / wobble * (double)row.samples);
		row.blocked_writes = 0;
		if (!strcmp(c->mechanism, "io_uring")) {
			row.enobufs = row.cq_overflows = 0;
			if (!strcmp(c->variant, "poll"))
				row.blocked_writes = poll_blocked[i];
		}
		row.min = (int64_t)(mean_ns / 4);
		row.p50 = (int64_t)(0.9 * mean_ns * wobble);
		row.p90 = (int64_t)(2 * mean_ns);
		row.p99 = (int64_t)(3 * mean_ns);
		row.max = (int64_t)(5 * mean_ns);
		row.mean = mean_ns * wobble;
		row.ops_per_s = per_s * wobble;
		row.server_cpu_ns = (int64_t)(cpu_ns / wobble * (double)row.samples);
		row.client_cpu_ns = row.server_cpu_ns;
		row.wakeups = row.samples / 2;
		row.rss_bytes_per_fd = 3000;
		if (!strcmp(c->mode, "open"))
			row.offered_per_s = 5000;
		if (reason)
			evb_row_reason(&row, "%s", reason);
		fx_write(f, &row);
	}
}

static void skipped_row(FILE *f, const struct fx_cell *c, const char *reason)
{
	struct evb_row row;

	fx_row(&row, c, 1);
	evb_row_set(&row, status, EVB_STATUS_SKIPPED);
	evb_row_reason(&row, "%s", reason);
	fx_write(f, &row);
}

#define NOFILE "needs 200012 descriptors (RLIMIT_NOFILE hard limit 20000)"

static void build_run(void)
{
	static char dir[512], dir_fails[512];
	const struct fx_cell poll10k = SEED("poll", NULL, "10000", "1000"),
		epoll10k = SEED("epoll", "lt", "10000", "1000"),
		poll1k = SEED("poll", NULL, "1000", "100"), epoll1k = SEED("epoll", "lt", "1000", "100"),
		select10k = SEED("select", NULL, "10000", "1000"),
		poll100k = SEED("poll", NULL, "100000", "10000"),
		epoll100k = SEED("epoll", "lt", "100000", "10000"),
		recv1k = SEED("io_uring", "recv", "1000", "100"), epoll = CLOSED("epoll", "lt"),
		ring_poll = RING("poll"), ring_recv = RING("recv"),
		ring_multi = RING("multishot"), rtt = RTT("epoll", "lt");

	tu_tmpdir(dir, sizeof(dir));
	dir_path = dir;
	FILE *f = fx_open(dir);

	serve_rows(f, &rtt, 30000, 33000, 20000, NULL);
	serve_rows(f, &poll10k, 5e6, 5000, 90000, NULL);
	/* late in the tail only: the median, the claim's figure, still decides */
	serve_rows(f, &epoll10k, 1e5, 5000, 9000,
		   "client-lagged: send lag p99 900.0 us above its bound 75.0 us");
	serve_rows(f, &poll1k, 1e6, 5000, 20000, NULL);
	serve_rows(f, &epoll1k, 1e5, 5000, 8000, NULL);
	serve_rows(f, &recv1k, 9e4, 5000, 7000, NULL);
	skipped_row(f, &select10k, "select: fd 10020 >= FD_SETSIZE 1024");
	skipped_row(f, &poll100k, NOFILE);
	skipped_row(f, &epoll100k, NOFILE);
	/* 1.6x the req/s at half the CPU: holds; 1x at the same CPU: does not;
	 * 2x at a third, but the load generator was the bottleneck */
	serve_rows(f, &epoll, 500000, 100000, 6000, NULL);
	serve_rows(f, &ring_recv, 300000, 160000, 3000, NULL);
	serve_rows(f, &ring_poll, 500000, 100000, 6000, NULL);
	serve_rows(f, &ring_multi, 250000, 200000, 2000,
		   "client-bound: the load generator's CPU was 99% busy");
	md = fx_finish(f, dir, NULL);

	/* The second run: poll only 2x epoll at 10,000 connections; multishot
	 * at epoll's req/s but client-bound (a lower bound: cannot fail). */
	tu_tmpdir(dir_fails, sizeof(dir_fails));
	dir_fails_path = dir_fails;
	f = fx_open(dir_fails);
	serve_rows(f, &poll10k, 2e5, 5000, 9000, NULL);
	serve_rows(f, &epoll10k, 1e5, 5000, 9000, NULL);
	serve_rows(f, &epoll, 500000, 100000, 6000, NULL);
	serve_rows(f, &ring_multi, 500000, 100000, 3000,
		   "client-bound: the load generator's CPU was 99% busy");
	md_fails = fx_finish(f, dir_fails, NULL);
}

static void cleanup(void)
{
	free(md);
	free(md_fails);
	tu_rmtree(dir_path);
	tu_rmtree(dir_fails_path);
}

/* The line holding needle must hold every one of the others. */
static void expect_line(const char *text, const char *needle, const char *const *parts)
{
	char *line = fx_line(text, needle);

	ck_assert_msg(line != NULL, "no line with '%s'", needle);
	for (size_t i = 0; parts[i]; i++)
		ck_assert_msg(tu_contains(line, parts[i]), "'%s' not in: %s", parts[i], line);
	free(line);
}

START_TEST(section)
{
	ck_assert(tu_contains(md, "Serve: a TCP request/response server under load"));
	ck_assert(tu_contains(md, "Round trip: one connection"));
	ck_assert(tu_contains(md, "Closed loop: requests per second"));
	ck_assert(tu_contains(md, "Open loop: request latency at a fixed rate"));
	ck_assert(tu_contains(md, "Memory per connection"));
	/* every table says how far it can be trusted */
	ck_assert(tu_contains(md, "repetitions"));
}
END_TEST

START_TEST(seed_table)
{
	const char *const k1[] = { "1 / 3 (published 12.8 / 38)", "0.1 / 0.3 (published 0.8 / 2)",
				   "(published 15.2 / 45)", "0.09 / 0.27", NULL };
	const char *const k10[] = { "5 / 15 (published 150 / 450)", "0.1 / 0.3, client-bound or -lagged (published 1.2 / 4)",
				    "skipped: FD_SETSIZE (published 180 / 520)", NULL };
	const char *const k100[] = { "skipped: fd limit (published 2800 / 8000)",
				     "(published FAILED)", "(published 8.5 / 25)", NULL };

	ck_assert(tu_contains(md, "The published server table, beside this machine"));
	expect_line(md, "| 1,000 |", k1);
	expect_line(md, "| 10,000 |", k10);
	expect_line(md, "| 100,000 |", k100);
	ck_assert(tu_contains(md, "100,000 connections did not run here"));
	ck_assert(tu_contains(md, "RLIMIT_NOFILE above 100,000 for both"));
	ck_assert(tu_contains(md, "127.0.0.1, 127.0.0.2"));
}
END_TEST

START_TEST(client_bound_marked)
{
	const char *const marked[] = { "client-bound or -lagged 5/5", NULL };
	char *line = fx_line(md, "| io_uring/recv/defer | 1000 conns");

	expect_line(md, "| io_uring/multishot/defer | 1000 conns", marked);
	ck_assert_ptr_nonnull(line);
	ck_assert(!tu_contains(line, "client-bound"));
	free(line);
}
END_TEST

/* CPU per request over the window's requests (samples), not delivered. */
START_TEST(cpu_per_measured_request)
{
	const char *const epoll[] = { "| 12.0 us / 6.0 us / 6.0 us |", NULL };

	expect_line(md, "| epoll/lt | 1000 conns", epoll);
}
END_TEST

/* A counted trouble is named under its table; zero counts are not. */
START_TEST(troubles_named)
{
	ck_assert_msg(tu_contains(md, "io_uring/poll/defer 1000 conns: blocked writes in 3 of 5 "
				  "repetitions (median 12)."), "%s", md);
	ck_assert(!tu_contains(md, "ENOBUFS re-posts"));
	ck_assert(!tu_contains(md, "CQ overflows in"));
	ck_assert(!tu_contains(md, "io_uring/recv/defer 1000 conns: blocked"));
}
END_TEST

static void expect_verdict(const char *text, const char *claim, const char *verdict)
{
	char needle[200], cell[200];
	char *line;

	snprintf(needle, sizeof(needle), "| %s", claim);
	line = fx_line(text, needle);
	ck_assert_msg(line != NULL, "no claim row starting '%s'", claim);
	snprintf(cell, sizeof(cell), "| %s |", verdict);
	ck_assert_msg(tu_contains(line, cell), "claim '%s': expected '%s' in: %s", claim,
		      verdict, line);
	free(line);
}

START_TEST(table_claim_both_ways)
{
	expect_verdict(md, "Published server table", "holds");
	expect_verdict(md_fails, "Published server table", "does not hold");
}
END_TEST

START_TEST(uring_claim_per_variant)
{
	/* client-bound: 2x epoll's req/s is a lower bound, so it holds; its
	 * CPU is not judged */
	const char *const bound_holds[] = { "| holds |", NULL };
	const char *const cpu_not[] = {
		"| inconclusive (",
		"not judged: client-bound: the load generator's CPU was 99% busy", NULL,
	};
	/* at 1x, client-bound: a lower bound below 1.3x cannot fail */
	const char *const bound_cannot_fail[] = {
		"| inconclusive (", "a lower bound, which could have made this verdict", NULL,
	};

	expect_verdict(md, "io_uring ~1.5x epoll's req/s",
		       "poll: does not hold; recv: holds; multishot: inconclusive");
	expect_line(md, "closed-loop req/s, io_uring/multishot (completion, defer", bound_holds);
	expect_line(md, "machine CPU per request (every CPU, /proc/stat), io_uring/multishot",
		    cpu_not);
	expect_line(md_fails, "closed-loop req/s, io_uring/multishot (completion, defer",
		    bound_cannot_fail);
	/* not measured where the cells did not run */
	expect_verdict(md_fails, "io_uring ~1.5x epoll's req/s",
		       "poll: not measured; recv: not measured; multishot: inconclusive");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("serve_report");
	TCase *tc = tcase_create("report");

	tcase_add_unchecked_fixture(tc, build_run, cleanup);
	tcase_add_test(tc, section);
	tcase_add_test(tc, seed_table);
	tcase_add_test(tc, client_bound_marked);
	tcase_add_test(tc, table_claim_both_ways);
	tcase_add_test(tc, uring_claim_per_variant);
	tcase_add_test(tc, cpu_per_measured_request);
	tcase_add_test(tc, troubles_named);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
