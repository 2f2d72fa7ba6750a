/* testutil.c - helpers for the Check suites; see testutil.h. */
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evb_cli.h"
#include "evb_csv.h"
#include "evb_sb.h"
#include "evb_topology.h"
#include "evb_uring.h"
#include "testutil.h"

const char *tu_bin(const char *name)
{
	static char path[1024];

	snprintf(path, sizeof(path), "%s/%s", EVB_BIN_DIR, name);
	return path;
}

static char stderr_text[16384];

static void collect_stderr(void *arg, const char *line)
{
	struct evb_sb sb;

	(void)arg;
	evb_sb_resume(&sb, stderr_text, sizeof(stderr_text));
	evb_sb_printf(&sb, "%s\n", line);
}

const char *tu_stderr(void)
{
	return stderr_text;
}

struct evb_spawn_result tu_run(const char *prog, const char *const *args, double timeout_s)
{
	char *argv[64];
	size_t n = 0;
	struct evb_spawn_opts opts = {
		.timeout_ns = (int64_t)(timeout_s * 1e9),
		.cancel_fd = -1,
		.on_stderr = collect_stderr,
	};
	struct evb_spawn_result res;

	argv[n++] = strdup(tu_bin(prog));
	for (size_t i = 0; args && args[i] && n < 63; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	stderr_text[0] = '\0';
	int ret = evb_spawn(argv, &opts, &res);

	ck_assert_msg(ret == 0, "cannot run %s: %s", argv[0], res.last_err);
	free(argv[0]);
	return res;
}

int tu_run_row(const char *prog, const char *const *args, double timeout_s,
	       struct evb_row *row)
{
	struct evb_spawn_result res = tu_run(prog, args, timeout_s);
	struct evb_csv_record rec = { 0 };
	char error[256] = "";
	char *nl;

	ck_assert_msg(res.end == EVB_SPAWN_EXITED, "%s did not exit normally (end=%d, "
		      "signal %d); stderr: %s", prog, res.end, res.term_signal, res.last_err);
	nl = strchr(res.out, '\n');
	ck_assert_msg(nl && nl[1] == '\0', "%s: stdout is not exactly one line: '%s' "
		      "(stderr: %s)", prog, res.out, res.last_err);
	ck_assert_int_eq(evb_csv_parse_line(res.out, &rec, error, sizeof(error)), 1);
	ck_assert_msg(evb_row_parse(row, rec.fields, rec.nfields, error, sizeof(error)) == 0,
		      "%s: row does not match the schema: %s: '%s'", prog, error, res.out);
	evb_csv_record_free(&rec);

	int status = res.exit_status;

	evb_spawn_result_free(&res);
	return status;
}

void tu_expect_usage_error(const char *prog, const char *const *args, const char *needle)
{
	struct evb_spawn_result res = tu_run(prog, args, 10);

	ck_assert_int_eq(res.end, EVB_SPAWN_EXITED);
	ck_assert_msg(res.exit_status == 2, "%s %s...: exit %d, want 2 (stderr: %s)", prog,
		      args[0], res.exit_status, tu_stderr());
	ck_assert_msg(res.out[0] == '\0', "%s: usage error printed on stdout: %s", prog, res.out);
	ck_assert_msg(tu_contains(tu_stderr(), needle), "%s: message does not name '%s': %s",
		      prog, needle, tu_stderr());
	evb_spawn_result_free(&res);
}

/* Entries after out[n] for each further setup the traits name; the new count. */
static size_t list_setups(struct tu_list_entry *out, size_t n, size_t max)
{
	const char *setups = strstr(out[n].traits, "uring_setup=");
	struct tu_list_entry listed = out[n];
	size_t at = n;

	if (!setups)
		return n + 1;
	setups += strlen("uring_setup=");
	for (int first = 1; *setups && at < max; first = 0) {
		size_t len = strcspn(setups, ", ");
		struct tu_list_entry *e = &out[at++];
		int setup;

		*e = listed;
		evb_sb_fmt(e->uring_setup, sizeof(e->uring_setup), "%.*s", (int)len, setups);
		setup = evb_parse_word(e->uring_setup, evb_uring_setup_names);
		ck_assert_msg(setup >= 0, "%s/%s: unknown setup '%s'", e->mechanism, e->variant,
			      e->uring_setup);
		if (!first && e->supported) {
			e->reason[0] = '\0';
			e->supported = evb_uring_supported(
				evb_uring_setup_needs((enum evb_uring_setup)setup), e->reason,
				sizeof(e->reason)) == 0;
		}
		setups += len;
		if (*setups != ',')
			break;
		setups++;
	}
	return at;
}

void tu_entry_args(const struct tu_list_entry *e, const char **args, size_t *n)
{
	args[(*n)++] = "--mechanism";
	args[(*n)++] = e->mechanism;
	if (e->variant[0]) {
		args[(*n)++] = "--variant";
		args[(*n)++] = e->variant;
	}
	if (e->uring_setup[0]) {
		args[(*n)++] = "--uring-setup";
		args[(*n)++] = e->uring_setup;
	}
}

int tu_run_entry(const char *prog, const struct tu_list_entry *e, const char *const *extra,
		 const char *timeout, double wait_s, struct evb_row *row)
{
	const char *args[40];
	size_t n = 0;
	int status;

	tu_entry_args(e, args, &n);
	while (*extra && n < sizeof(args) / sizeof(args[0]) - 3)
		args[n++] = *extra++;
	args[n++] = "--timeout";
	args[n++] = timeout;
	args[n] = NULL;
	status = tu_run_row(prog, args, wait_s, row);
	tu_check_entry_row(e, row);
	return status;
}

void tu_check_entry_row(const struct tu_list_entry *e, const struct evb_row *row)
{
	ck_assert_str_eq(row->mechanism, e->mechanism);
	ck_assert_str_eq(row->variant, e->variant);
	ck_assert_str_eq(row->uring_setup, e->uring_setup);
	tu_check_cpu_distance(row, row->mechanism);
}

void tu_check_cpu_distance(const struct evb_row *row, const char *what)
{
	int a = -1, b = -1;
	const char *want;

	if (sscanf(row->cpus, "%d+%d", &a, &b) != 2)
		want = "";      /* free, or one side */
	else if (a == b)
		want = "same";
	else
		want = evb_cpu_distance_names[evb_cpu_distance(EVB_SYSFS_ROOT, a, b)];
	ck_assert_msg(!strcmp(row->cpu_distance, want), "%s: cpu_distance '%s' for cpus '%s', "
		      "want '%s'", what, row->cpu_distance, row->cpus, want);
}

size_t tu_list(const char *prog, struct tu_list_entry *out, size_t max)
{
	static const char *const args[] = { "--list", NULL };
	struct evb_spawn_result res = tu_run(prog, args, 10);
	char *line = res.out, *next;
	size_t n = 0;

	ck_assert_int_eq(res.exit_status, 0);
	next = strchr(line, '\n');
	ck_assert_msg(next && strncmp(line, "mechanism,variant,supported,reason,summary,traits\n", 50) == 0,
		      "%s --list: bad header", prog);
	for (line = next + 1; *line && n < max; line = next + 1) {
		struct evb_csv_record rec = { 0 };
		char error[256];

		next = strchr(line, '\n');
		ck_assert_ptr_nonnull(next);
		*next = '\0';
		ck_assert_int_eq(evb_csv_parse_line(line, &rec, error, sizeof(error)), 1);
		ck_assert_int_eq(rec.nfields, 6);
		evb_strlcpy(out[n].mechanism, rec.fields[0], sizeof(out[n].mechanism));
		evb_strlcpy(out[n].variant, rec.fields[1], sizeof(out[n].variant));
		out[n].supported = strcmp(rec.fields[2], "yes") == 0;
		evb_strlcpy(out[n].reason, rec.fields[3], sizeof(out[n].reason));
		evb_strlcpy(out[n].traits, rec.fields[5], sizeof(out[n].traits));
		out[n].uring_setup[0] = '\0';
		evb_csv_record_free(&rec);
		n = list_setups(out, n, max);
	}
	evb_spawn_result_free(&res);
	return n;
}

int tu_contains(const char *haystack, const char *needle)
{
	return haystack && strstr(haystack, needle) != NULL;
}

void tu_tmpdir(char *path, size_t len)
{
	const char *base = getenv("TMPDIR");

	snprintf(path, len, "%s/evbtest.XXXXXX", base && *base ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(path));
}

static int remove_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	return remove(path);
}

void tu_rmtree(const char *path)
{
	nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int tu_main(Suite *suite)
{
	SRunner *runner = srunner_create(suite);
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

size_t tu_binom_most(size_t n, double p, double tail)
{
	double above = 1.0;     /* P(X > k), X ~ Bin(n, p), for k from -1 up */
	size_t k = 0;

	for (; k <= n; k++) {
		above -= exp(lgamma((double)n + 1) - lgamma((double)k + 1) -
			     lgamma((double)(n - k) + 1) + (double)k * log(p) +
			     (double)(n - k) * log1p(-p));
		if (above <= tail)
			break;
	}
	return k;
}

size_t tu_binom_least(size_t n, double p, double tail)
{
	/* fewer than k successes = more than n - k failures */
	return n - tu_binom_most(n, 1.0 - p, tail);
}

char *tu_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long len;

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	ck_assert_msg(len >= 0, "%s: %s", path, strerror(errno));
	rewind(f);
	buf = calloc(1, (size_t)len + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	return buf;
}

void tu_check_percentiles(const struct evb_row *row, const char *what)
{
	const int64_t p[] = { row->min, row->p50, row->p90, row->p99, row->p999, row->max };
	const int64_t need[] = { 1, evb_row_samples_for(0.50), evb_row_samples_for(0.90),
				 evb_row_samples_for(0.99), evb_row_samples_for(0.999), 1 };
	int64_t last = INT64_MIN + 1;

	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		if (row->samples < need[i]) {
			ck_assert_msg(p[i] == EVB_NA, "%s: percentile %zu with %lld samples",
				      what, i, (long long)row->samples);
			continue;
		}
		ck_assert_msg(p[i] != EVB_NA && p[i] >= last, "%s: percentile %zu out of order",
			      what, i);
		last = p[i];
	}
}

void tu_check_skipped(const struct evb_row *row, int status, const char *what)
{
	ck_assert_msg(status == 3, "%s: skipped row must exit 3, got %d", what, status);
	ck_assert_msg(row->reason[0], "%s: skipped without a reason", what);
}

int tu_is_skipped(const struct evb_row *row, int status, const char *what)
{
	if (strcmp(row->status, "skipped") != 0)
		return 0;
	tu_check_skipped(row, status, what);
	return 1;
}

void tu_check_ok_exact(const struct evb_row *row, int status, int64_t total, int64_t samples,
		       const char *what)
{
	ck_assert_msg(status == 0 && strcmp(row->status, "ok") == 0, "%s: status %s (%d): %s",
		      what, row->status, status, row->reason);
	ck_assert_msg(row->sent == total && row->delivered == total && row->lost == 0 &&
		      row->spurious == 0, "%s: sent %lld delivered %lld lost %lld spurious %lld, "
		      "want %lld", what, (long long)row->sent, (long long)row->delivered,
		      (long long)row->lost, (long long)row->spurious, (long long)total);
	ck_assert_int_eq(row->samples, samples);
	tu_check_percentiles(row, what);
	ck_assert_msg(row->min > 0, "%s: min %lld", what, (long long)row->min);
	tu_check_cpu_distance(row, what);
}
