/*
 * test_run_stages.c - evbench run's stages and files under trouble.
 *
 * SIGINT while the figures are drawn stops the run there (exit 130, no
 * report, run_state saying where); a full disk (a 64 KiB tmpfs when this
 * process may mount one, else $EVB_FAIL_WRITE) ends the run with exit 1 and
 * a message naming the file, and the rows written stay readable.
 * (`evbench crosscheck`: test_crosscheck.c.)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evb_csv.h"
#include "evb_clock.h"
#include "fixture.h"
#include "testutil.h"

START_TEST(sigint_during_figures_stops_there)
{
	struct fx_fake_run fx;
	char bin[700], script[800], marker[700], path[900];
	const char *none[] = { NULL };
	FILE *f;

	fx_fake_setup(&fx, "ok");
	/* A gnuplot that would take a minute and says when it started: the
	 * run must kill it on SIGINT, not wait for it (each gnuplot has a 60 s
	 * limit and a figure pass runs several). */
	snprintf(bin, sizeof(bin), "%s/bin", fx.tmp);
	snprintf(marker, sizeof(marker), "%s/gnuplot-started", fx.tmp);
	ck_assert_int_eq(mkdir(bin, 0755), 0);
	snprintf(script, sizeof(script), "%s/gnuplot", bin);
	f = fopen(script, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\necho started >> '%s'\nexec sleep 60\n", marker);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(script, 0755), 0);
	snprintf(path, sizeof(path), "%s:%s", bin, getenv("PATH") ? getenv("PATH") : "/usr/bin");
	setenv("PATH", path, 1);

	pid_t pid = fx_fake_start_run(&fx, none);

	fx_wait_lines(marker, 1);
	ck_assert_int_eq(kill(pid, SIGINT), 0);
	int64_t t0 = evb_now_ns();

	ck_assert_int_eq(fx_wait_exit(pid), 130);
	/* gnuplot was killed, not waited for (it would have slept 60 s) */
	ck_assert_msg(evb_now_ns() - t0 < 30 * EVB_NSEC_PER_SEC, "the run waited for gnuplot");
	ck_assert(fx_fake_env_has(&fx, "run_state,incomplete: interrupted by signal 2 during figures"));
	snprintf(path, sizeof(path), "%s/report.html", fx.run);
	ck_assert_int_ne(access(path, F_OK), 0);   /* the report stage never started */
	snprintf(path, sizeof(path), "%s/summary.csv", fx.run);
	ck_assert_int_eq(access(path, R_OK), 0);
	tu_rmtree(fx.tmp);
}
END_TEST

/* A 64 KiB tmpfs for the run, when this process may mount one (root). */
static int mount_tiny(const char *dir)
{
	if (mkdir(dir, 0755))
		return -errno;
	return mount("tmpfs", dir, "tmpfs", 0, "size=64k") ? -errno : 0;
}

START_TEST(full_disk_ends_the_run_and_keeps_the_rows)
{
	struct fx_fake_run fx;
	char disk[700], path[800], cut[800];
	const char *args[] = { "run", "--family", "notify", "--profile", "smoke", "--reps", "400",
			       "--out", path, "--no-figures", NULL };
	struct evb_row *rows;

	fx_fake_setup(&fx, "ok");
	snprintf(disk, sizeof(disk), "%s/disk", fx.tmp);
	if (mount_tiny(disk)) {
		/* Not root, or no mount here: the injected failure stands in. */
		snprintf(disk, sizeof(disk), "%s", fx.tmp);
		setenv("EVB_FAIL_WRITE", "results.csv:25", 1);
	}
	snprintf(path, sizeof(path), "%s/run", disk);

	struct evb_spawn_result res = tu_run("evbench", args, 120);

	ck_assert_int_eq(res.exit_status, 1);
	ck_assert_msg(tu_contains(tu_stderr(), "No space left on device") &&
		      tu_contains(tu_stderr(), "run FAILED"), "%s", tu_stderr());
	ck_assert_msg(tu_contains(tu_stderr(), "results.csv") || tu_contains(tu_stderr(), "run.log")
		      || tu_contains(tu_stderr(), "sentinel.csv"), "%s", tu_stderr());
	evb_spawn_result_free(&res);

	/* What was written stays readable: every complete line is a row. */
	snprintf(cut, sizeof(cut), "%s/complete.csv", fx.tmp);
	snprintf(path, sizeof(path), "%s/run/results.csv", disk);
	char *text = tu_slurp(path), *last = strrchr(text, '\n');
	FILE *f = fopen(cut, "w");

	ck_assert_ptr_nonnull(last);
	last[1] = '\0';
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	free(text);
	size_t n = fx_load_rows(cut, &rows);

	ck_assert_int_gt(n, 5);
	ck_assert_int_lt(n, 800);
	free(rows);
	if (strcmp(disk, fx.tmp))
		ck_assert_int_eq(umount(disk), 0);
	unsetenv("EVB_FAIL_WRITE");
	tu_rmtree(fx.tmp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("run_stages");
	TCase *tc = tcase_create("fake");

	tcase_set_timeout(tc, 150);
	tcase_add_test(tc, sigint_during_figures_stops_there);
	tcase_add_test(tc, full_disk_ends_the_run_and_keeps_the_rows);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
