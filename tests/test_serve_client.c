/*
 * test_serve_client.c - evb-serve's load generator, on the epoll server:
 * responses that arrive split (64 KiB messages, several outstanding) and
 * message sizes that are no multiple of the header's alignment; more
 * connections than it may open ahead of the server's accept() (512), most
 * of them idle; and Poisson spacing (a rate in %, which searches the
 * capacity first, is test_serve_capacity's).  Every row must be
 * ok with its counts adding up: what the client sent, the server answered
 * and the client received, each response checked.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "evb_driver.h"
#include "testutil.h"

#define ITERATIONS 300
#define WARMUP 30

/* Run the epoll server with args; the row must be ok with sent requests. */
static void run_ok(const char *const *extra, int64_t sent, struct evb_row *row,
		   const char *what)
{
	const char *args[40] = { "--mechanism", "epoll", "--iterations", "300",
				 "--warmup", "30", "--timeout", "20s" };
	size_t n = 8;

	while (*extra && n < EVB_ARRAY_SIZE(args) - 1)
		args[n++] = *extra++;
	args[n] = NULL;

	int status = tu_run_row("evb-serve", args, 30, row);

	tu_check_ok_exact(row, status, sent, ITERATIONS, what);
	ck_assert_msg(row->server_cpu_ns > 0 && row->client_cpu_ns > 0,
		      "%s: server CPU %lld, client CPU %lld", what,
		      (long long)row->server_cpu_ns, (long long)row->client_cpu_ns);
}

START_TEST(split_messages)
{
	static const char *const big[] = {
		"--mode", "closed", "--connections", "2", "--active", "2", "--depth", "4",
		"--msg-size", "65536", NULL,
	};
	static const char *const odd[] = {
		"--mode", "closed", "--connections", "3", "--active", "3", "--depth", "3",
		"--msg-size", "17", NULL,
	};
	struct evb_row row;

	run_ok(big, WARMUP + ITERATIONS, &row, "65536-byte messages");
	ck_assert_int_eq(row.msg_size, 65536);
	run_ok(odd, WARMUP + ITERATIONS, &row, "17-byte messages");
	ck_assert_int_eq(row.msg_size, 17);
}
END_TEST

START_TEST(connections_beyond_accept_ahead)
{
	static const char *const extra[] = {
		"--mode", "closed", "--connections", "1200", "--active", "8", "--depth", "2",
		NULL,
	};
	struct evb_row row;

	run_ok(extra, WARMUP + ITERATIONS, &row, "1200 connections");
	ck_assert_int_eq(row.connections, 1200);
	ck_assert_int_eq(row.active, 8);
}
END_TEST

START_TEST(poisson_arrival)
{
	static const char *const extra[] = {
		"--mode", "open", "--rate", "3000", "--arrival", "poisson", "--seed", "7",
		"--connections", "3", "--active", "3", NULL,
	};
	struct evb_row row;

	run_ok(extra, WARMUP + ITERATIONS, &row, "poisson");
	ck_assert_str_eq(row.arrival, "poisson");
	ck_assert_msg(fabs(row.offered_per_s - 3000) < 1, "offered_per_s %g",
		      row.offered_per_s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("serve_client");
	TCase *tc = tcase_create("load generator");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, split_messages);
	tcase_add_test(tc, connections_beyond_accept_ahead);
	tcase_add_test(tc, poisson_arrival);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
