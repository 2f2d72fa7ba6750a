/*
 * test_rundir_lock.c - one run at a time (harness/rundir_lock.c), with the
 * fake evb-notify: a second run is refused while one holds the machine
 * lock, and runs with --force; the lock sits in a directory every user can
 * write to, so a symbolic link there is refused (its target is neither
 * created nor truncated); a lock someone holds is reported with the
 * holder's pid, command and start.  Every test has its own machine lock
 * ($EVB_LOCK_FILE).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "evb_csv.h"
#include "evb_row.h"
#include "fixture.h"
#include "testutil.h"

static const char *const smoke_args[] = { "run", "--family", "notify", "--profile", "smoke",
					  "--out", NULL, "--no-figures", NULL };

static struct evb_spawn_result run_smoke(const struct fx_fake_run *fx)
{
	const char *args[sizeof(smoke_args) / sizeof(smoke_args[0])];

	memcpy(args, smoke_args, sizeof(args));
	args[6] = fx->run;
	return tu_run("evbench", args, 60);
}

START_TEST(second_run_is_refused_unless_forced)
{
	struct fx_fake_run fx;
	const char *args[] = { "run", "--family", "notify", "--profile", "smoke", "--out", fx.run,
			       "--no-figures", NULL };
	const char *forced[] = { "run", "--family", "notify", "--profile", "smoke", "--out",
				 fx.run, "--no-figures", "--force", NULL };
	const char *resume[] = { "run", "--resume", fx.run, NULL };
	char path[700];

	fx_fake_setup(&fx, "ok");
	/* Another run holds the machine lock. */
	int fd = open(fx.lock, O_RDWR | O_CREAT, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	ck_assert_int_gt(dprintf(fd, "4242\nboot\n/elsewhere/run-a\n"), 0);

	struct evb_spawn_result res = tu_run("evbench", args, 60);

	ck_assert_int_eq(res.exit_status, 2);
	/* The run directory from the file, the pid from the kernel's lock table. */
	char holder[64];

	snprintf(holder, sizeof(holder), "/elsewhere/run-a (pid %d, ", (int)getpid());
	ck_assert_msg(tu_contains(tu_stderr(), holder), "%s", tu_stderr());
	evb_spawn_result_free(&res);
	ck_assert_int_ne(access(fx.run, F_OK), 0);   /* nothing was created */

	res = tu_run("evbench", forced, 60);
	ck_assert_msg(res.exit_status == 0, "exit %d: %s", res.exit_status, tu_stderr());
	evb_spawn_result_free(&res);
	close(fd);

	/* A run directory some process holds is not resumed under it. */
	snprintf(path, sizeof(path), "%s/run.lock", fx.run);
	fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	res = tu_run("evbench", resume, 60);
	ck_assert_int_eq(res.exit_status, 2);
	ck_assert(tu_contains(tu_stderr(), "is in progress"));
	evb_spawn_result_free(&res);
	close(fd);
	tu_rmtree(fx.tmp);
}
END_TEST

START_TEST(symlink_lock_is_refused)
{
	struct fx_fake_run fx;
	char victim[700], absent[700];

	fx_fake_setup(&fx, "ok");
	snprintf(victim, sizeof(victim), "%s/victim", fx.tmp);
	snprintf(absent, sizeof(absent), "%s/absent", fx.tmp);
	FILE *f = fopen(victim, "w");

	ck_assert_ptr_nonnull(f);
	fputs("keep me\n", f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(symlink(victim, fx.lock), 0);

	struct evb_spawn_result res = run_smoke(&fx);

	ck_assert_msg(res.exit_status == 0, "exit %d: %s", res.exit_status, tu_stderr());
	ck_assert_msg(tu_contains(tu_stderr(), "a symbolic link, refused"), "%s", tu_stderr());
	evb_spawn_result_free(&res);
	char *text = tu_slurp(victim);

	ck_assert_str_eq(text, "keep me\n");   /* neither truncated nor written */
	free(text);

	/* A dangling link does not create its target. */
	tu_rmtree(fx.run);
	ck_assert_int_eq(unlink(fx.lock), 0);
	ck_assert_int_eq(symlink(absent, fx.lock), 0);
	res = run_smoke(&fx);
	ck_assert_msg(res.exit_status == 0, "exit %d: %s", res.exit_status, tu_stderr());
	evb_spawn_result_free(&res);
	ck_assert_int_ne(access(absent, F_OK), 0);
	tu_rmtree(fx.tmp);
}
END_TEST

START_TEST(busy_lock_names_its_holder)
{
	struct fx_fake_run fx;
	char pid[64];

	fx_fake_setup(&fx, "ok");
	/* Held by this process, with nothing written in it: the message comes
	 * from the kernel's lock table, not from the file. */
	int fd = open(fx.lock, O_RDWR | O_CREAT, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);

	struct evb_spawn_result res = run_smoke(&fx);

	ck_assert_int_eq(res.exit_status, 2);
	snprintf(pid, sizeof(pid), "(pid %d, command: ", (int)getpid());
	ck_assert_msg(tu_contains(tu_stderr(), pid), "%s", tu_stderr());
	ck_assert_msg(tu_contains(tu_stderr(), "test_rundir_lock"), "%s", tu_stderr());
	ck_assert_msg(tu_contains(tu_stderr(), ", since 2"), "%s", tu_stderr());
	evb_spawn_result_free(&res);
	close(fd);
	tu_rmtree(fx.tmp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rundir_lock");
	TCase *tc = tcase_create("fake");

	tcase_set_timeout(tc, 150);
	tcase_add_test(tc, second_run_is_refused_unless_forced);
	tcase_add_test(tc, symlink_lock_is_refused);
	tcase_add_test(tc, busy_lock_names_its_holder);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
