/*
 * test_serve_server.c - evb-serve's server side of the numbers, for every
 * registered mechanism x variant: the active connections are spread over
 * the whole connection table (with 100 connections and 10 active, the
 * ones answering are 0, 10, ..., 90, as EVB_SERVE_TRACE lists them), the
 * row's wakeups are the measured window's (at most one per request the
 * window answered, though the warm-up is three times as long), the
 * server's trouble counts are on every ok row (enobufs and cq_overflows
 * only where there is a ring), and io_uring/poll reads once per CQE (no
 * read that finds nothing, where reading to EAGAIN made one per CQE).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evb_driver.h"
#include "testutil.h"

#define MAX_ENTRIES 24
#define CONNS 100
#define ACTIVE 10

/* Run evb-serve on entry e with extra args; row filled, exit status. */
static int run_traced(const struct tu_list_entry *e, const char *const *extra,
		      struct evb_row *row)
{
	ck_assert_int_eq(setenv("EVB_SERVE_TRACE", "1", 1), 0);
	return tu_run_entry("evb-serve", e, extra, "20s", 30, row);
}

/* The trace line's empty reads, and which connections answered (mask). */
static long long trace_read(const char *what, unsigned char *answered, size_t nconns)
{
	const char *line = strstr(tu_stderr(), "evb-serve: trace: empty reads ");
	long long empty;
	const char *p;

	ck_assert_msg(line != NULL, "%s: no trace line in: %s", what, tu_stderr());
	ck_assert_int_eq(sscanf(line, "evb-serve: trace: empty reads %lld", &empty), 1);
	p = strstr(line, "served by connection:");
	ck_assert_ptr_nonnull(p);
	p += strlen("served by connection:");
	memset(answered, 0, nconns);
	for (;;) {
		long long index, count;
		int used;

		if (sscanf(p, " %lld:%lld%n", &index, &count, &used) != 2)
			break;
		ck_assert_msg(index >= 0 && (size_t)index < nconns && count > 0,
			      "%s: trace names connection %lld (%lld)", what, index, count);
		answered[index] = 1;
		p += used;
	}
	return empty;
}

static void expect_troubles(const struct evb_row *row, const char *mech, const char *what)
{
	bool ring = !strcmp(mech, "io_uring");

	ck_assert_msg(row->blocked_writes >= 0, "%s: blocked_writes %lld", what,
		      (long long)row->blocked_writes);
	if (ring) {
		ck_assert_msg(row->enobufs >= 0 && row->cq_overflows >= 0,
			      "%s: enobufs %lld, cq_overflows %lld", what,
			      (long long)row->enobufs, (long long)row->cq_overflows);
	} else {
		ck_assert_msg(row->enobufs == EVB_NA && row->cq_overflows == EVB_NA,
			      "%s: a mechanism without a ring has enobufs %lld, cq_overflows %lld",
			      what, (long long)row->enobufs, (long long)row->cq_overflows);
	}
}

START_TEST(active_spread_and_window)
{
	static const char *const extra[] = {
		"--mode", "closed", "--connections", "100", "--active", "10", "--depth", "1",
		"--iterations", "200", "--warmup", "600", NULL,
	};
	struct tu_list_entry entries[MAX_ENTRIES];
	size_t n = tu_list("evb-serve", entries, MAX_ENTRIES);
	unsigned char answered[CONNS];
	struct evb_row row;
	char what[160];

	if ((size_t)_i >= n)
		return;
	snprintf(what, sizeof(what), "%s/%s %s", entries[_i].mechanism, entries[_i].variant,
		 entries[_i].uring_setup);

	int status = run_traced(&entries[_i], extra, &row);

	if (tu_is_skipped(&row, status, what))
		return;
	ck_assert_msg(status == 0 && !strcmp(row.status, "ok"), "%s: %s %s", what, row.status,
		      row.reason);
	trace_read(what, answered, CONNS);
	for (size_t i = 0; i < CONNS; i++)
		ck_assert_msg(answered[i] == (i % (CONNS / ACTIVE) == 0),
			      "%s: connection %zu %s requests (active: every %dth)", what, i,
			      answered[i] ? "answered" : "answered no", CONNS / ACTIVE);
	/* the window answers its samples and at most the ones outstanding at
	 * its start (one per active connection); each wakeup answered one */
	ck_assert_msg(row.wakeups >= 1 && row.wakeups <= row.samples + ACTIVE,
		      "%s: %lld wakeups over a window of %lld samples (warm-up 600)", what,
		      (long long)row.wakeups, (long long)row.samples);
	expect_troubles(&row, entries[_i].mechanism, what);
}
END_TEST

/* One connection, one request at a time: each CQE is one request's bytes. */
START_TEST(uring_poll_reads_once)
{
	static const char *const extra[] = {
		"--mode", "closed", "--iterations", "300", "--warmup", "100", NULL,
	};
	struct tu_list_entry entries[MAX_ENTRIES];
	size_t n = tu_list("evb-serve", entries, MAX_ENTRIES), ran = 0;
	unsigned char answered[1];

	for (size_t i = 0; i < n; i++) {
		struct evb_row row;
		char what[160];
		long long empty;
		int status;

		if (strcmp(entries[i].mechanism, "io_uring") || strcmp(entries[i].variant, "poll"))
			continue;
		snprintf(what, sizeof(what), "io_uring/poll %s", entries[i].uring_setup);
		status = run_traced(&entries[i], extra, &row);
		if (tu_is_skipped(&row, status, what))
			continue;
		ck_assert_msg(status == 0, "%s: %s", what, row.reason);
		empty = trace_read(what, answered, 1);
		ck_assert_msg(empty <= row.samples / 10, "%s: %lld reads found nothing over "
			      "%lld requests (one per CQE: read until EAGAIN)", what, empty,
			      (long long)row.samples);
		ran++;
	}
	if (!ran)
		fprintf(stderr, "uring_poll_reads_once: io_uring/poll not supported here\n");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("serve_server");
	TCase *tc = tcase_create("server");

	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, active_spread_and_window, 0, MAX_ENTRIES);
	tcase_add_test(tc, uring_poll_reads_once);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
