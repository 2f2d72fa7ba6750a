/*
 * test_mux_checks.c - evb-mux's own checks, each on a few small runs:
 *   counts   a row is ok only when its counts check out: lost or spurious
 *            events (put there on purpose by the hidden --inject-lost and
 *            --inject-spurious hooks) make it failed, naming the counts;
 *            a stale report (--inject-stale: a handled fd reported again)
 *            is counted, and fails the row unless the variant may report
 *            one (io_uring poll, MUX_MAY_STALE)
 *   maxevents more ready fds than --maxevents: epoll and io_uring are
 *            called again within the sample and the whole ready set is
 *            verified (level-triggered epoll may relist, nothing else may)
 *   memory   register: epoll's user memory does not grow with nfds, poll's
 *            does; an unreadable slabinfo leaves the column empty and says
 *            "slab not measured"
 *   threads  scan runs with 1 thread (the watchdog a parent process) or 2
 *            (an idle thread beside it), as the row's threads says and the
 *            driver checks; either watchdog still ends a run that overstays
 *            --timeout with a timeout row that says how far it got
 * plus fd limits (a cell they refuse is a skipped row naming RLIMIT_NOFILE,
 * never EMFILE), bad input (exit 2 naming the value), --help, --list, --hist.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "evb_driver.h"
#include "testutil.h"

#define MAX_ENTRIES 32

/* Run evb-mux with args (NULL-terminated) and parse its row. */
static int run(const char *const *args, struct evb_row *row)
{
	return tu_run_row("evb-mux", args, 60, row);
}

static void expect_failed_naming(const struct evb_row *row, int status, const char *needle,
				 const char *what)
{
	ck_assert_msg(status == 1 && strcmp(row->status, "failed") == 0,
		      "%s: want failed, got %s (%d): %s", what, row->status, status, row->reason);
	ck_assert_msg(tu_contains(row->reason, needle), "%s: reason \"%s\" lacks \"%s\"", what,
		      row->reason, needle);
}

START_TEST(counts_decide_the_status)
{
	static const char *const scan[] = { "--mechanism", "epoll", "--mode", "scan", "--nfds",
					    "64", "--active", "8", "--iterations", "50",
					    "--inject-spurious", "12", "--inject-lost", "3", NULL };
	static const char *const loop[] = { "--mechanism", "poll", "--mode", "loop", "--nfds",
					    "16", "--active", "4", "--iterations", "200",
					    "--inject-spurious", "5", NULL };
	static const char *const wakeup[] = { "--mechanism", "epoll", "--mode", "wakeup",
					      "--nfds", "16", "--iterations", "20",
					      "--inject-spurious", "2", NULL };
	static const char *const clean[] = { "--mechanism", "epoll", "--mode", "scan", "--nfds",
					     "64", "--active", "8", "--iterations", "50", NULL };
	struct evb_row row;
	int status = run(scan, &row);

	expect_failed_naming(&row, status, "lost 3 of 400 events", "scan");
	expect_failed_naming(&row, status, "12 spurious events", "scan");
	/* The counts stay in the row, so the failure can be read. */
	ck_assert_int_eq(row.lost, 3);
	ck_assert_int_eq(row.spurious, 12);
	ck_assert_int_eq(row.delivered, 397);
	status = run(loop, &row);
	expect_failed_naming(&row, status, "5 spurious events", "loop");
	status = run(wakeup, &row);
	expect_failed_naming(&row, status, "2 spurious events", "wakeup");
	status = run(clean, &row);
	ck_assert_msg(status == 0 && strcmp(row.status, "ok") == 0, "clean: %s", row.reason);
}
END_TEST

/* A handled fd reported once more, as a writer's late wake-up does to a
 * re-armed io_uring poll: counted in spurious either way; ok and named for
 * io_uring/poll, failed for epoll/oneshot, which polls again first. */
START_TEST(stale_reports_are_counted)
{
	static const char *const mechs[][2] = { { "io_uring", "poll" }, { "epoll", "oneshot" } };

	for (size_t m = 0; m < EVB_ARRAY_SIZE(mechs); m++) {
		const char *args[] = { "--mechanism", mechs[m][0], "--variant", mechs[m][1],
				       "--mode", "loop", "--fd-type", "pipe", "--nfds", "16",
				       "--active", "4", "--iterations", "200", "--inject-stale", "3",
				       NULL };
		struct evb_row row;
		int status = run(args, &row);

		if (strcmp(row.status, "skipped") == 0 && m == 0)
			continue;   /* no io_uring here: its row said why */
		ck_assert_int_eq(row.lost, 0);
		if (m == 1) {
			ck_assert_int_eq(row.spurious, 3);
			expect_failed_naming(&row, status, "3 spurious events", "epoll/oneshot");
			continue;
		}
		/* a real late wake-up may add one of its own */
		ck_assert_msg(row.spurious >= 3, "io_uring/poll: spurious %lld",
			      (long long)row.spurious);
		ck_assert_msg(status == 0 && strcmp(row.status, "ok") == 0, "io_uring/poll: %s: %s",
			      row.status, row.reason);
		ck_assert_msg(tu_contains(row.reason, "stale"), "io_uring/poll: reason \"%s\"",
			      row.reason);
	}
}
END_TEST

/* 100 fds all ready, 16 per call: every capped mechanism calls again. */
START_TEST(maxevents_drains_the_ready_set)
{
	static const char *const mechs[][2] = {
		{ "epoll", "lt" }, { "epoll", "et" }, { "epoll", "oneshot" },
		{ "epoll-pwait2", "lt" }, { "io_uring", "poll" }, { "io_uring", "multishot" },
	};

	for (size_t m = 0; m < EVB_ARRAY_SIZE(mechs); m++) {
		for (int mode = 0; mode < 2; mode++) {
			const char *args[] = { "--mechanism", mechs[m][0], "--variant", mechs[m][1],
					       "--mode", mode ? "loop" : "scan", "--nfds", "100",
					       "--active", mode ? "40" : "100", "--maxevents", "16",
					       "--iterations", mode ? "400" : "30", NULL };
			struct evb_row row;
			int status = run(args, &row);

			if (strcmp(row.status, "skipped") == 0)
				continue;
			ck_assert_msg(status == 0 && strcmp(row.status, "ok") == 0, "%s/%s %s: %s: %s",
				      mechs[m][0], mechs[m][1], args[5], row.status, row.reason);
			ck_assert_int_eq(row.lost, 0);
			ck_assert_int_eq(row.spurious, 0);
			if (mode == 0) {
				ck_assert_int_eq(row.sent, 100 * 30);
				/* 100 fds at 16 a call: 7 calls per sample */
				ck_assert_msg(row.wakeups == 7 * 30, "%s/%s: %lld reporting calls",
					      mechs[m][0], mechs[m][1], (long long)row.wakeups);
			}
		}
	}
}
END_TEST

/*
 * Under defer the kernel runs the completion work of a ready fd only when
 * the loop asks, and at most 20 items a call: a zero-timeout scan of 200
 * ready fds must still list all 200 in every sample (one reporting call
 * with the default batch, 13 at 16 a call), nothing lost.
 */
START_TEST(defer_scan_loses_nothing)
{
	static const char *const variants[] = { "poll", "multishot" };
	static const char *const batches[] = { "1024", "16" };
	static const int64_t calls[] = { 1, 13 };

	for (size_t v = 0; v < EVB_ARRAY_SIZE(variants); v++)
		for (size_t b = 0; b < EVB_ARRAY_SIZE(batches); b++) {
			const char *args[] = { "--mechanism", "io_uring", "--variant", variants[v],
					       "--uring-setup", "defer", "--mode", "scan",
					       "--nfds", "200", "--active", "200", "--maxevents",
					       batches[b], "--iterations", "30", NULL };
			struct evb_row row;
			int status = run(args, &row);

			if (strcmp(row.status, "skipped") == 0) {
				ck_assert_msg(tu_contains(row.reason, "IORING_SETUP_") ||
					      tu_contains(row.reason, "io_uring"), "%s", row.reason);
				continue;
			}
			ck_assert_msg(status == 0 && strcmp(row.status, "ok") == 0, "%s %s: %s: %s",
				      variants[v], batches[b], row.status, row.reason);
			ck_assert_str_eq(row.uring_setup, "defer");
			ck_assert_int_eq(row.sent, 200 * 30);
			ck_assert_int_eq(row.delivered, 200 * 30);
			ck_assert_int_eq(row.lost, 0);
			ck_assert_int_eq(row.spurious, 0);
			ck_assert_msg(row.wakeups == calls[b] * 30, "%s %s: %lld reporting calls",
				      variants[v], batches[b], (long long)row.wakeups);
		}
}
END_TEST

static double register_total_rss(const char *mech, const char *nfds)
{
	const char *args[] = { "--mechanism", mech, "--mode", "register", "--nfds", nfds,
			       "--iterations", "3", "--warmup", "1", NULL };
	struct evb_row row;
	int status = run(args, &row);

	ck_assert_msg(status == 0, "%s register %s: %s", mech, nfds, row.reason);
	ck_assert(isfinite(row.rss_bytes_per_fd));
	return row.rss_bytes_per_fd * (double)row.nfds;
}

START_TEST(register_memory_per_fd)
{
	static const char *const no_slab[] = { "--mechanism", "epoll", "--mode", "register",
					       "--nfds", "64", "--iterations", "3",
					       "--slabinfo", "/nonexistent/slabinfo", NULL };
	double epoll_small = register_total_rss("epoll", "64");
	double epoll_big = register_total_rss("epoll", "8192");
	double poll_big = register_total_rss("poll", "8192");
	struct evb_row row;

	/*
	 * A fixed events array (1024 x 12 bytes), not 12 bytes per fd: 8192
	 * fds cost what 64 do, give or take the few pages RSS moves by itself.
	 */
#ifndef __SANITIZE_ADDRESS__   /* ASan's shadow memory moves RSS by far more */
	ck_assert_msg(epoll_big <= 1024 * 12 + 16384 && epoll_big <= epoll_small + 16384,
		      "epoll RSS grows with nfds: %.0f -> %.0f", epoll_small, epoll_big);
#else
	(void)epoll_small;
	(void)epoll_big;
#endif
	/* The pollfd array is inherent: 8 bytes per fd. */
	ck_assert_msg(poll_big >= 8.0 * 8192 - 4096, "poll RSS %.0f for 8192 fds", poll_big);
	ck_assert_int_eq(run(no_slab, &row), 0);
	ck_assert_msg(isnan(row.slab_bytes_per_fd), "slab column filled without slabinfo");
	ck_assert_msg(tu_contains(row.reason, "slab not measured"), "reason: %s", row.reason);
}
END_TEST

/* Run with RLIMIT_NOFILE lowered to limit (Check forks each test). */
static void lower_nofile(rlim_t limit)
{
	struct rlimit lim = { .rlim_cur = limit, .rlim_max = limit };

	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &lim), 0);
}

/* poll scan of nfds fds of type, side B as ipc; the row's status. */
static int run_poll_scan(const char *type, const char *nfds, const char *ipc,
			 struct evb_row *row)
{
	const char *args[] = { "--mechanism", "poll", "--mode", "scan", "--fd-type", type,
			       "--nfds", nfds, "--ipc", ipc, "--iterations", "10", NULL };

	return run(args, row);
}

START_TEST(fd_limit_is_a_skipped_row)
{
	struct evb_row row;
	int status;

	lower_nofile(200);
	/* 150 pipes: 300 fds and more in one process. */
	status = run_poll_scan("pipe", "150", "thread", &row);
	ck_assert_msg(status == 3 && strcmp(row.status, "skipped") == 0 &&
		      tu_contains(row.reason, "RLIMIT_NOFILE") &&
		      tu_contains(row.reason, "hard limit 200"),
		      "150 pipes: want a skipped row naming the limit, got %s: %s", row.status,
		      row.reason);
	/* The same pipes with their peer ends in side B's process fit. */
	status = run_poll_scan("pipe", "100", "process", &row);
	ck_assert_msg(status == 0 && row.lost == 0, "100 pipes, process: %s", row.reason);
	/* An eventfd is its own peer: 150 of them fit in one process. */
	status = run_poll_scan("eventfd", "150", "thread", &row);
	ck_assert_msg(status == 0 && row.lost == 0, "150 eventfds: %s", row.reason);
	/* Far beyond any limit: skipped before a single fd is opened. */
	status = run_poll_scan("eventfd", "1000000", "thread", &row);
	ck_assert(status == 3 && tu_contains(row.reason, "RLIMIT_NOFILE"));
}
END_TEST

START_TEST(hist_file_is_written)
{
	char dir[256], path[512];
	const char *args[] = { "--mechanism", "epoll", "--mode", "scan", "--nfds", "16",
			       "--iterations", "50", "--hist", path, NULL };
	struct evb_row row;
	char line[256];
	FILE *f;

	tu_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/hist.csv", dir);
	ck_assert_int_eq(tu_run_row("evb-mux", args, 30, &row), 0);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	fclose(f);
	tu_rmtree(dir);
}
END_TEST

static void expect_message(const char *const *args, const char *needle)
{
	tu_expect_usage_error("evb-mux", args, needle);
}

START_TEST(scan_threads_and_their_watchdog)
{
	for (int threads = 1; threads <= 2; threads++) {
		char n[8], what[64];
		const char *const ok[] = { "--mechanism", "poll", "--fd-type", "pipe", "--nfds", "100",
					   "--threads", n, "--iterations", "200", NULL };
		const char *const hang[] = { "--mechanism", "poll", "--nfds", "10", "--threads", n,
					     "--iterations", "1G", "--timeout", "300ms", NULL };
		struct evb_row row;
		int status;
		long long done = -1, of = -1;

		snprintf(n, sizeof(n), "%d", threads);
		snprintf(what, sizeof(what), "poll scan, --threads %d", threads);
		status = run(ok, &row);
		ck_assert_msg(status == 0 && !strcmp(row.status, "ok"), "%s: %s: %s", what,
			      row.status, row.reason);
		ck_assert_int_eq(row.threads, threads);
		ck_assert_msg(row.syscalls == row.samples, "%s: %lld system calls, %lld samples",
			      what, (long long)row.syscalls, (long long)row.samples);

		status = run(hang, &row);
		ck_assert_msg(status == 1 && !strcmp(row.status, "timeout"), "%s: exit %d, %s: %s",
			      what, status, row.status, row.reason);
		ck_assert_msg(sscanf(row.reason, "still running after the 0.3 s timeout (%lld of %lld",
				     &done, &of) == 2 && done > 0 && of == 1000000000LL,
			      "%s: the reason should say how far it got: \"%s\"", what, row.reason);
		ck_assert_int_eq(row.threads, threads);
	}
}
END_TEST

START_TEST(bad_input_exits_2)
{
	static const char *const nfds_zero[] = { "--mechanism", "poll", "--nfds", "0", NULL };
	static const char *const nfds_junk[] = { "--mechanism", "poll", "--nfds", "10x", NULL };
	static const char *const active_big[] = { "--mechanism", "poll", "--nfds", "10",
						  "--active", "11", NULL };
	static const char *const active_zero[] = { "--mechanism", "poll", "--active", "0", NULL };
	static const char *const bad_type[] = { "--mechanism", "poll", "--fd-type", "carrier-pigeon",
						NULL };
	static const char *const wakeup_active[] = { "--mechanism", "poll", "--mode", "wakeup",
						     "--nfds", "8", "--active", "2", NULL };
	static const char *const register_active[] = { "--mechanism", "poll", "--mode",
						       "register", "--active", "1", NULL };
	static const char *const maxevents_zero[] = { "--mechanism", "epoll", "--maxevents", "0",
						      NULL };
	static const char *const maxevents_huge[] = { "--mechanism", "epoll", "--maxevents",
						      "2M", NULL };
	static const char *const bad_mech[] = { "--mechanism", "kqueue", NULL };
	static const char *const threads_3[] = { "--mechanism", "poll", "--threads", "3", NULL };
	static const char *const threads_loop[] = { "--mechanism", "poll", "--mode", "loop",
						    "--threads", "2", NULL };
	static const char *const bad_variant[] = { "--mechanism", "epoll", "--variant", "xt", NULL };
	static const char *const bad_mode[] = { "--mechanism", "poll", "--mode", "sprint", NULL };
	static const char *const unknown[] = { "--mechanism", "poll", "--frobnicate", NULL };
	static const char *const bad_setup[] = { "--mechanism", "io_uring", "--uring-setup",
						 "sqpoll", NULL };
	static const char *const setup_no_ring[] = { "--mechanism", "epoll", "--uring-setup",
						     "defer", NULL };

	expect_message(bad_setup, "--uring-setup 'sqpoll'");
	expect_message(setup_no_ring, "--uring-setup defer: mechanism epoll");
	expect_message(nfds_zero, "--nfds");
	expect_message(threads_3, "--threads");
	expect_message(threads_loop, "--threads 2: only scan mode");
	expect_message(nfds_junk, "10x");
	expect_message(active_big, "--active");
	expect_message(active_zero, "--active");
	expect_message(bad_type, "carrier-pigeon");
	expect_message(wakeup_active, "--active");
	expect_message(register_active, "--active");
	expect_message(maxevents_zero, "--maxevents");
	expect_message(maxevents_huge, "2M");
	expect_message(bad_mech, "kqueue");
	expect_message(bad_variant, "xt");
	expect_message(bad_mode, "sprint");
	expect_message(unknown, "frobnicate");
}
END_TEST

START_TEST(help_and_list)
{
	static const char *const help[] = { "--help", NULL };
	/* Every variant, with the cost class the plan sizes its cells by. */
	static const char *const want[][2] = {
		{ "select/fdset", "cost=scan" },    { "select/bigset", "cost=scan" },
		{ "pselect/", "cost=scan" },        { "poll/", "cost=scan" },
		{ "ppoll/", "cost=scan" },          { "epoll/lt", "cost=ready" },
		{ "epoll/et", "cost=edge" },        { "epoll/oneshot", "cost=rearm" },
		{ "epoll-pwait2/lt", "cost=ready" },
		{ "io_uring/poll", "cost=rearm files=fixed may=stale uring_setup=default,coop,defer" },
		{ "io_uring/multishot", "cost=edge files=fixed uring_setup=default,coop,defer" },
	};
	struct tu_list_entry entries[MAX_ENTRIES];
	size_t n = tu_list("evb-mux", entries, MAX_ENTRIES);

	ck_assert_int_ge(n, 11);
	struct evb_spawn_result res = tu_run("evb-mux", help, 10);

	ck_assert_int_eq(res.exit_status, 0);
	ck_assert(tu_contains(res.out, "scan") && tu_contains(res.out, "--fd-type"));
	evb_spawn_result_free(&res);
	for (size_t w = 0; w < EVB_ARRAY_SIZE(want); w++) {
		int found = 0;

		for (size_t i = 0; i < n && !found; i++) {
			char name[160];

			snprintf(name, sizeof(name), "%s/%s", entries[i].mechanism, entries[i].variant);
			found = strcmp(name, want[w][0]) == 0;
			if (found)
				ck_assert_msg(strcmp(entries[i].traits, want[w][1]) == 0,
					      "%s: traits '%s', not '%s'", name, entries[i].traits,
					      want[w][1]);
		}
		ck_assert_msg(found, "--list lacks %s", want[w][0]);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mux_checks");
	TCase *tc = tcase_create("checks");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, counts_decide_the_status);
	tcase_add_test(tc, stale_reports_are_counted);
	tcase_add_test(tc, maxevents_drains_the_ready_set);
	tcase_add_test(tc, register_memory_per_fd);
	tcase_add_test(tc, hist_file_is_written);
	tcase_add_test(tc, fd_limit_is_a_skipped_row);
	tcase_add_test(tc, scan_threads_and_their_watchdog);
	suite_add_tcase(s, tc);
	tc = tcase_create("usage");
	tcase_add_test(tc, bad_input_exits_2);
	tcase_add_test(tc, defer_scan_loses_nothing);
	tcase_add_test(tc, help_and_list);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
