/*
 * fake_driver.c - stands in for evb-notify in harness tests.  --list offers
 * one mechanism per behaviour; running it does what its name says:
 *   ok       prints a valid ok row
 *   skip     prints a skipped row, exit 3
 *   hang     sleeps forever (harness must time out and kill it)
 *   forkhang forks a child that also hangs (the whole group must die)
 *   closehang closes its stdout and stderr, then sleeps forever (the end of
 *            its output is not its end: the harness must still time out)
 *   crash    dies of SIGSEGV before printing
 *   garbage  prints something that is not a row
 *   fail     prints a failed row, exit 1
 *   noisy    an ok row whose p50 jumps between 1000 and 1900 from rep to
 *            rep (adaptive tests: never within a few percent)
 *   slow     an ok row after 100 ms (a run long enough to be killed midway)
 * --list offers the first seven, or the comma-separated $EVB_FAKE_LIST.
 * $EVB_FAKE_ALL, when set, is what every run does whatever its mechanism
 * (the sentinel's too): EVB_FAKE_ALL=closehang hangs every child.
 * An ok row writes --hist FILE (10 samples at its p50) unless
 * $EVB_FAKE_NO_HIST is set: a driver that could not write its histogram.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evb_hist.h"
#include "evb_row.h"

static const char *arg(int argc, char **argv, const char *name, const char *fallback)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return fallback;
}

static void write_hist(const char *path, int64_t value)
{
	static struct evb_hist h;
	FILE *f;

	if (!path || getenv("EVB_FAKE_NO_HIST"))
		return;
	evb_hist_init(&h);
	for (int i = 0; i < 10; i++)
		evb_hist_record(&h, value);
	f = fopen(path, "w");
	if (!f || evb_hist_write_csv(&h, f) || fclose(f))
		fprintf(stderr, "fake driver: --hist %s failed\n", path);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--list") == 0) {
			static const char *const names[] = { "ok", "skip", "hang", "forkhang",
							     "crash", "garbage", "fail", NULL };

			const char *list = getenv("EVB_FAKE_LIST");
			char copy[256], *save = NULL;

			printf("mechanism,variant,supported,reason,summary\n");
			if (list) {
				snprintf(copy, sizeof(copy), "%s", list);
				for (char *w = strtok_r(copy, ",", &save); w;
				     w = strtok_r(NULL, ",", &save))
					printf("%s,,yes,,fake %s\n", w, w);
				return 0;
			}
			for (int k = 0; names[k]; k++)
				printf("%s,,yes,,fake %s\n", names[k], names[k]);
			return 0;
		}
	}

	const char *mech = arg(argc, argv, "--mechanism", "ok");
	const char *act = getenv("EVB_FAKE_ALL") ? getenv("EVB_FAKE_ALL") : mech;
	struct evb_row row;

	evb_row_init(&row);
	evb_row_set(&row, run_id, arg(argc, argv, "--run-id", ""));
	evb_row_set(&row, family, "notify");
	evb_row_set(&row, mechanism, mech);
	evb_row_set(&row, variant, arg(argc, argv, "--variant", ""));
	evb_row_set(&row, mode, arg(argc, argv, "--mode", "pingpong"));
	evb_row_set(&row, ipc, arg(argc, argv, "--ipc", "thread"));
	evb_row_set(&row, placement, arg(argc, argv, "--placement", "cross-cpu"));
	row.rep = atoll(arg(argc, argv, "--rep", "1"));   /* test code: trusted input */
	evb_row_set(&row, metric, "roundtrip_ns");
	evb_row_set(&row, unit, "ns");
	fprintf(stderr, "fake driver: %s\n", mech);

	if (strcmp(act, "closehang") == 0) {
		close(STDOUT_FILENO);
		close(STDERR_FILENO);
		for (;;)
			pause();
	}
	if (strcmp(act, "hang") == 0 || strcmp(act, "forkhang") == 0) {
		if (strcmp(act, "forkhang") == 0 && fork() == 0) {
			FILE *f = fopen(arg(argc, argv, "--pidfile", "/dev/null"), "w");

			if (f) {
				fprintf(f, "%d\n", getpid());
				fclose(f);
			}
		}
		for (;;)
			pause();
	}
	if (strcmp(act, "crash") == 0)
		raise(SIGSEGV);
	if (strcmp(act, "garbage") == 0) {
		printf("this is not a row\n");
		return 0;
	}
	if (strcmp(act, "skip") == 0) {
		evb_row_set(&row, status, "skipped");
		evb_row_set(&row, reason, "fake: not here");
		evb_row_write(stdout, &row);
		return 3;
	}
	if (strcmp(act, "fail") == 0) {
		evb_row_set(&row, status, "failed");
		evb_row_set(&row, reason, "fake: broke");
		evb_row_write(stdout, &row);
		return 1;
	}
	if (strcmp(act, "slow") == 0)
		usleep(100000);   /* test code: a driver run that takes a while */
	evb_row_set(&row, status, "ok");
	row.samples = 10;
	row.min = 100;
	row.p50 = 200 + row.rep;
	row.p90 = 300;
	row.p99 = 400;
	row.p999 = 500;
	row.max = 600;
	row.mean = 250;
	row.stddev = 10;
	row.ops_per_s = 1e6;
	row.sent = row.delivered = 10;
	row.lost = 0;
	row.wakeups = 10;
	if (strcmp(act, "noisy") == 0)
		row.p50 = 1000 + row.rep * 397 % 7 * 150;
	write_hist(arg(argc, argv, "--hist", NULL), row.p50);
	evb_row_write(stdout, &row);
	return 0;
}
