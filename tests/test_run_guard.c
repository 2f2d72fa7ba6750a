/*
 * test_run_guard.c - what a run does with files and children it does not
 * control: the machine lock sits in a directory every user can write to,
 * so a symbolic link there is refused (its target is neither created nor
 * truncated) and a lock someone holds is reported with the holder's pid,
 * command and start; a driver that closes its output and hangs is still
 * killed at --max-timeout and recorded as a timeout.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "test_run_util.h"
#include "testutil.h"

static const char *const smoke_args[] = { "run", "--family", "notify", "--profile", "smoke",
					  "--out", NULL, "--no-figures", NULL };

static struct evb_spawn_result run_smoke(const struct tr_fixture *fx)
{
	const char *args[sizeof(smoke_args) / sizeof(smoke_args[0])];

	memcpy(args, smoke_args, sizeof(args));
	args[6] = fx->run;
	return tu_run("evbench", args, 60);
}

START_TEST(symlink_lock_is_refused)
{
	struct tr_fixture fx;
	char victim[700], absent[700];

	tr_setup(&fx, "ok");
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
	struct tr_fixture fx;
	char pid[64];

	tr_setup(&fx, "ok");
	/* Held by this process, with nothing written in it: the message comes
	 * from the kernel's lock table, not from the file. */
	int fd = open(fx.lock, O_RDWR | O_CREAT, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);

	struct evb_spawn_result res = run_smoke(&fx);

	ck_assert_int_eq(res.exit_status, 2);
	snprintf(pid, sizeof(pid), "(pid %d, command: ", (int)getpid());
	ck_assert_msg(tu_contains(tu_stderr(), pid), "%s", tu_stderr());
	ck_assert_msg(tu_contains(tu_stderr(), "test_run_guard"), "%s", tu_stderr());
	ck_assert_msg(tu_contains(tu_stderr(), ", since 2"), "%s", tu_stderr());
	evb_spawn_result_free(&res);
	close(fd);
	tu_rmtree(fx.tmp);
}
END_TEST

START_TEST(driver_that_closes_its_output_times_out)
{
	struct tr_fixture fx;
	struct evb_row *rows;
	char path[700];

	tr_setup(&fx, "closehang");
	const char *args[] = { "run", "--family", "notify", "--profile", "smoke", "--max-timeout",
			       "300ms", "--out", fx.run, "--no-figures", NULL };
	struct evb_spawn_result res = tu_run("evbench", args, 60);

	ck_assert_int_eq(res.end, EVB_SPAWN_EXITED);   /* not killed by tu_run's own limit */
	ck_assert_msg(res.exit_status == 0, "exit %d: %s", res.exit_status, tu_stderr());
	evb_spawn_result_free(&res);
	snprintf(path, sizeof(path), "%s/results.csv", fx.run);
	size_t n = tr_load_rows(path, &rows);

	ck_assert_int_ge(n, 2);   /* pingpong and burst */
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(!strcmp(rows[i].status, "timeout"), "row %zu: %s (%s)", i,
			      rows[i].status, rows[i].reason);
	free(rows);
	tu_rmtree(fx.tmp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("run_guard");
	TCase *tc = tcase_create("guard");

	tcase_set_timeout(tc, 150);
	tcase_add_test(tc, symlink_lock_is_refused);
	tcase_add_test(tc, busy_lock_names_its_holder);
	tcase_add_test(tc, driver_that_closes_its_output_times_out);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
