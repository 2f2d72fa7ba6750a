/*
 * test_report_beside.c - `evbench report HOST --beside VM` on two synthetic
 * runs: a host whose 100,000-fd and 100,000-connection seed cells are
 * skipped rows (the fd limit) and a run inside a VM (vm_accel=tcg) that
 * measured them.  The seed tables (mux and serve) show the VM's values,
 * marked with its label, where the host's are skipped, and the host's own
 * ok cells unchanged; the cells from the VM get their own note; the VM's
 * own report says it was measured inside a VM; bad --beside arguments
 * exit 2.
 */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "testutil.h"

#define MUX_SEED(mech, var, nfds_, act) \
	{ .family = "mux", .mechanism = mech, .variant = var, .mode = "scan", .ipc = "process", \
	  .placement = "same-cpu", .fd_type = "tcp", .nfds = nfds_, .active = act, .threads = "1" }
/* evb-serve's open rows have no depth */
#define SERVE_SEED(mech, var, conns, act) \
	{ .family = "serve", .mechanism = mech, .variant = var, .mode = "open", \
	  .placement = "cross-cpu", .connections = conns, .active = act, .msg_size = "64", \
	  .work_ns = "0", .rate = "5000", .arrival = "poisson" }

#define LABEL "[vm tcg 6.1.0-test]"
#define NOFILE "RLIMIT_NOFILE hard limit 20000 < 200016 needed"
#define VM_ENV "vm_accel,tcg\nvm_cpus,2\nvm_memory_mb,2048\nvm_guest_kernel,6.1.0-test\n" \
	"vm_nr_open,1048576\nwarning_1,emulated CPU (qemu tcg): every figure is emulated; " \
	"compare tcg runs only with tcg runs\n"

static char host[512], vm[512], bare[512];
static char *host_md, *host_html, *plain_md, *vm_md, *vm_beside_md;

static const struct fx_cell poll1k = MUX_SEED("poll", NULL, "1000", "100"),
	epoll1k = MUX_SEED("epoll", "lt", "1000", "100"),
	poll100k = MUX_SEED("poll", NULL, "100000", "10000"),
	epoll100k = MUX_SEED("epoll", "lt", "100000", "10000"),
	s_poll1k = SERVE_SEED("poll", NULL, "1000", "100"),
	s_epoll1k = SERVE_SEED("epoll", "lt", "1000", "100"),
	s_poll100k = SERVE_SEED("poll", NULL, "100000", "10000"),
	s_epoll100k = SERVE_SEED("epoll", "lt", "100000", "10000");

/* Five ok scan repetitions whose median p50 is p50_ns. */
static void scan_rows(FILE *f, const struct fx_cell *c, double p50_ns)
{
	const double values[] = { 0.99 * p50_ns, 0.995 * p50_ns, p50_ns, 1.005 * p50_ns,
				  1.01 * p50_ns };

	fx_latency(f, c, values, 5);
}

/* Five ok open-loop repetitions whose medians are mean_ns and p99_ns. */
static void serve_rows(FILE *f, const struct fx_cell *c, double mean_ns, double p99_ns)
{
	for (int i = 0; i < 5; i++) {
		struct evb_row row;
		double wobble = 1 + 0.01 * (i - 2);

		fx_row(&row, c, i + 1);
		row.min = (int64_t)(mean_ns / 4);
		row.p50 = (int64_t)(0.9 * mean_ns * wobble);
		row.p90 = (int64_t)(0.5 * p99_ns * wobble);
		row.p99 = (int64_t)(p99_ns * wobble);
		row.max = (int64_t)(2 * p99_ns);
		row.mean = mean_ns * wobble;
		row.ops_per_s = 5000;
		row.offered_per_s = 5000;
		fx_write(f, &row);
	}
}

static void skipped_row(FILE *f, const struct fx_cell *c)
{
	struct evb_row row;

	fx_row(&row, c, 1);
	evb_row_set(&row, status, EVB_STATUS_SKIPPED);
	evb_row_reason(&row, "%s", NOFILE);
	fx_write(f, &row);
}

static char *report_beside(const char *run, const char *other)
{
	const char *const args[] = { "report", run, "--beside", other, NULL };
	struct evb_spawn_result res = tu_run("evbench", args, 60);
	char path[1024];

	ck_assert_msg(res.end == EVB_SPAWN_EXITED && res.exit_status == 0,
		      "evbench report %s --beside %s: exit %d: %s", run, other, res.exit_status,
		      tu_stderr());
	evb_spawn_result_free(&res);
	snprintf(path, sizeof(path), "%s/report.md", run);
	return tu_slurp(path);
}

static void build_runs(void)
{
	char path[1024];
	FILE *f;

	tu_tmpdir(host, sizeof(host));
	f = fx_open(host);
	scan_rows(f, &poll1k, 11000);
	scan_rows(f, &epoll1k, 3000);
	skipped_row(f, &poll100k);
	skipped_row(f, &epoll100k);
	serve_rows(f, &s_poll1k, 1e6, 3e6);
	serve_rows(f, &s_epoll1k, 1e5, 3e5);
	skipped_row(f, &s_poll100k);
	skipped_row(f, &s_epoll100k);
	plain_md = fx_finish(f, host, NULL);

	/* The VM measured everything, the 1,000 cells too (never shown on the host's). */
	tu_tmpdir(vm, sizeof(vm));
	f = fx_open(vm);
	scan_rows(f, &poll1k, 99000);
	scan_rows(f, &epoll1k, 9000);
	scan_rows(f, &poll100k, 777000);
	scan_rows(f, &epoll100k, 4400);
	serve_rows(f, &s_poll1k, 7e6, 21e6);
	serve_rows(f, &s_epoll1k, 7e5, 21e5);
	serve_rows(f, &s_poll100k, 1.98e6, 11.6e6);
	serve_rows(f, &s_epoll100k, 2.5e5, 7.5e5);
	vm_md = fx_finish_env(f, vm, VM_ENV, NULL);

	host_md = report_beside(host, vm);
	snprintf(path, sizeof(path), "%s/report.html", host);
	host_html = tu_slurp(path);
	vm_beside_md = report_beside(vm, host);

	/* A directory with a results.csv and nothing else: not a readable run. */
	tu_tmpdir(bare, sizeof(bare));
	ck_assert_int_eq(fclose(fx_open(bare)), 0);
}

static void cleanup(void)
{
	free(host_md);
	free(host_html);
	free(plain_md);
	free(vm_md);
	free(vm_beside_md);
	tu_rmtree(host);
	tu_rmtree(vm);
	tu_rmtree(bare);
}

/* The first line starting with needle holds every one of parts and none of absent. */
static void expect_line(const char *text, const char *needle, const char *const *parts,
			const char *const *absent)
{
	char start[200];
	const char *at;

	snprintf(start, sizeof(start), "\n%s", needle);
	at = strstr(text, start);
	ck_assert_msg(at != NULL, "no line starting '%s'", needle);

	char *line = fx_line(at + 1, needle);

	ck_assert_msg(line != NULL, "no line with '%s'", needle);
	for (size_t i = 0; parts && parts[i]; i++)
		ck_assert_msg(tu_contains(line, parts[i]), "'%s' not in: %s", parts[i], line);
	for (size_t i = 0; absent && absent[i]; i++)
		ck_assert_msg(!tu_contains(line, absent[i]), "'%s' in: %s", absent[i], line);
	free(line);
}

START_TEST(vm_run_says_so)
{
	const char *const env_row[] = { "6.1.0-test", NULL };

	ck_assert(tu_contains(vm_md, "Measured inside a VM: qemu tcg, guest kernel 6.1.0-test, "
			      "2 CPUs, 2048 MiB — emulated: every figure is emulated; compare "
			      "it only with other tcg runs."));
	expect_line(vm_md, "| vm_guest_kernel |", env_row, NULL);
	ck_assert(!tu_contains(plain_md, "Measured inside a VM"));
	ck_assert(!tu_contains(plain_md, "[vm "));
}
END_TEST

START_TEST(mux_seed_table)
{
	const char *const poll100[] = { "777.0 us", LABEL, NULL };
	const char *const epoll100[] = { "4.4 us", LABEL, NULL };
	const char *const poll1[] = { "11.0 us", NULL }, *const epoll1[] = { "3.0 us", NULL };
	const char *const not_vm1[] = { "[vm", "99.0 us", "9.0 us", NULL };
	const char *const skipped[] = { "skipped: fd limit", NULL };

	expect_line(host_md, "| poll | 100000 |", poll100, NULL);
	expect_line(host_md, "| epoll/lt | 100000 |", epoll100, NULL);
	expect_line(host_md, "| poll | 1000 |", poll1, not_vm1);
	expect_line(host_md, "| epoll/lt | 1000 |", epoll1, not_vm1);
	/* without --beside the host's own report still says why */
	expect_line(plain_md, "| poll | 100000 |", skipped, NULL);
	ck_assert(tu_contains(host_md, "Marked " LABEL ": poll at 100000 fds, epoll/lt at "
			      "100000 fds did not run ok here"));
}
END_TEST

START_TEST(serve_seed_table)
{
	const char *const row100[] = { "1.98 / 11.6 " LABEL " (published 2800 / 8000)",
				       "0.25 / 0.75 " LABEL " (published 8.5 / 25)", NULL };
	const char *const row1[] = { "1 / 3 (published 12.8 / 38)",
				     "0.1 / 0.3 (published 0.8 / 2)", NULL };
	const char *const not_vm[] = { "[vm", "7 / 21", NULL };

	expect_line(host_md, "| 100,000 |", row100, NULL);
	expect_line(host_md, "| 1,000 |", row1, not_vm);
	ck_assert(tu_contains(host_md, "100,000 connections did not run here"));
	ck_assert(tu_contains(host_md, "The row shows instead the cells of the run marked "
			      LABEL ", which ran them"));
	ck_assert(tu_contains(host_md, "Marked " LABEL ": poll at 100,000 connections, "
			      "epoll/lt at 100,000 connections did not run ok here"));
}
END_TEST

START_TEST(notes_apart)
{
	char *line = fx_line(host_md, "Marked " LABEL ": poll at 100,000");

	ck_assert_ptr_nonnull(line);
	ck_assert(tu_contains(line, vm));
	ck_assert(tu_contains(line, "measured inside a VM: qemu tcg, guest kernel 6.1.0-test, "
			      "2 CPUs, 2048 MiB"));
	ck_assert(tu_contains(line, "Its figures are emulated (qemu tcg)"));
	free(line);
	ck_assert(tu_contains(host_md, "How far to trust the cells marked " LABEL ": 2 cells"));
	ck_assert(tu_contains(host_md, "Beside this run: "));
	ck_assert(tu_contains(host_html, LABEL));
	ck_assert(!tu_contains(host_md, "Measured inside a VM"));
}
END_TEST

START_TEST(label_of_a_host_run)
{
	const char *name = strrchr(host, '/') + 1;
	char marked[600];

	snprintf(marked, sizeof(marked), "marked [%s]", name);
	ck_assert(tu_contains(vm_beside_md, "(host fixture-host, kernel unavailable)"));
	ck_assert(tu_contains(vm_beside_md, marked));
}
END_TEST

START_TEST(bad_arguments)
{
	char slash[600];
	const char *const missing[] = { "report", host, "--beside", NULL };
	const char *const absent[] = { "report", host, "--beside", "/nonexistent/evbench-run",
				       NULL };
	const char *const same[] = { "report", host, "--beside", host, NULL };
	const char *const same_slash[] = { "report", "--beside", slash, host, NULL };
	const char *const unreadable[] = { "report", host, "--beside", bare, NULL };
	const char *const two[] = { "report", host, vm, NULL };

	snprintf(slash, sizeof(slash), "%s/", host);
	tu_expect_usage_error("evbench", missing, "--beside");
	tu_expect_usage_error("evbench", absent, "not a run directory");
	tu_expect_usage_error("evbench", same, "the same run");
	tu_expect_usage_error("evbench", same_slash, "the same run");
	tu_expect_usage_error("evbench", unreadable, "--beside");
	tu_expect_usage_error("evbench", two, "expected one run directory");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("report_beside");
	TCase *tc = tcase_create("beside");

	tcase_add_unchecked_fixture(tc, build_runs, cleanup);
	tcase_add_test(tc, vm_run_says_so);
	tcase_add_test(tc, mux_seed_table);
	tcase_add_test(tc, serve_seed_table);
	tcase_add_test(tc, notes_apart);
	tcase_add_test(tc, label_of_a_host_run);
	tcase_add_test(tc, bad_arguments);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
