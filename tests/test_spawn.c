/* test_spawn.c - timeouts kill the whole group the spawn created; crashes and
 * exec failures are reported, not fatal. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evb_spawn.h"
#include "testutil.h"

static char fake[1024];

static int run(char *const *argv, double timeout_s, struct evb_spawn_result *res)
{
	struct evb_spawn_opts opts = { .timeout_ns = (int64_t)(timeout_s * 1e9), .cancel_fd = -1 };

	return evb_spawn(argv, &opts, res);
}

START_TEST(hang_times_out_and_group_dies)
{
	char pidfile[] = "/tmp/evbpid.XXXXXX";
	int fd = mkstemp(pidfile);
	char *argv[] = { fake, "--mechanism", "forkhang", "--pidfile", pidfile, NULL };
	struct evb_spawn_result res;
	int grandchild = 0;

	close(fd);
	ck_assert_int_eq(run(argv, 0.5, &res), 0);
	ck_assert_int_eq(res.end, EVB_SPAWN_TIMEOUT);
	ck_assert_str_eq(res.last_err, "fake driver: forkhang");
	FILE *f = fopen(pidfile, "r");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%d", &grandchild), 1);
	fclose(f);
	unlink(pidfile);
	/* The forked grandchild was in the same group: killed (maybe a zombie
	 * until init reaps it, so look at its state rather than kill(0)). */
	char path[64], state = 'R';

	for (int i = 0; i < 200; i++) {
		snprintf(path, sizeof(path), "/proc/%d/stat", grandchild);
		f = fopen(path, "r");
		if (!f)
			break;
		if (fscanf(f, "%*d %*s %c", &state) != 1)
			state = '?';
		fclose(f);
		if (state == 'Z')
			break;
		usleep(10000);   /* test code: polling a process we do not own */
	}
	ck_assert_msg(!f || state == 'Z', "grandchild %d still alive (state %c)", grandchild,
		      state);
	evb_spawn_result_free(&res);
}
END_TEST

/* A child that closes its output has not ended: the deadline still holds. */
START_TEST(closed_output_still_times_out)
{
	char *argv[] = { fake, "--mechanism", "closehang", NULL };
	struct evb_spawn_result res;

	ck_assert_int_eq(run(argv, 0.3, &res), 0);
	ck_assert_int_eq(res.end, EVB_SPAWN_TIMEOUT);
	ck_assert_str_eq(res.last_err, "fake driver: closehang");
	evb_spawn_result_free(&res);
}
END_TEST

START_TEST(crash_is_reported)
{
	char *argv[] = { fake, "--mechanism", "crash", NULL };
	struct evb_spawn_result res;

	ck_assert_int_eq(run(argv, 5, &res), 0);
	ck_assert_int_eq(res.end, EVB_SPAWN_SIGNALED);
	ck_assert_int_eq(res.term_signal, SIGSEGV);
	evb_spawn_result_free(&res);
}
END_TEST

START_TEST(output_and_status_are_collected)
{
	char *argv[] = { fake, "--mechanism", "skip", NULL };
	struct evb_spawn_result res;

	ck_assert_int_eq(run(argv, 5, &res), 0);
	ck_assert_int_eq(res.end, EVB_SPAWN_EXITED);
	ck_assert_int_eq(res.exit_status, 3);
	ck_assert(tu_contains(res.out, ",skipped,fake: not here,"));
	evb_spawn_result_free(&res);
}
END_TEST

START_TEST(missing_program_is_an_error)
{
	char *argv[] = { "/nonexistent/evb-nothing", NULL };
	struct evb_spawn_result res;

	ck_assert_int_eq(run(argv, 5, &res), -ENOENT);
	ck_assert(tu_contains(res.last_err, "No such file"));
}
END_TEST

/* A cancel fd readable from the start: the child is killed, whether it
 * keeps its output open (hang) or closed it (closehang). */
static void cancel_ends(const char *mechanism)
{
	int fds[2];
	char *argv[] = { fake, "--mechanism", (char *)mechanism, NULL };
	struct evb_spawn_result res;
	struct evb_spawn_opts opts = { .timeout_ns = 0, .cancel_fd = -1 };

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], "x", 1), 1);
	opts.cancel_fd = fds[0];
	ck_assert_int_eq(evb_spawn(argv, &opts, &res), 0);
	ck_assert_int_eq(res.end, EVB_SPAWN_CANCELED);
	close(fds[0]);
	close(fds[1]);
	evb_spawn_result_free(&res);
}

START_TEST(cancel_fd_stops_the_child)
{
	cancel_ends("hang");
	cancel_ends("closehang");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("spawn");
	TCase *tc = tcase_create("spawn");

	snprintf(fake, sizeof(fake), "%s/fake_driver", EVB_FAKE_DIR);
	tcase_add_test(tc, hang_times_out_and_group_dies);
	tcase_add_test(tc, closed_output_still_times_out);
	tcase_add_test(tc, crash_is_reported);
	tcase_add_test(tc, output_and_status_are_collected);
	tcase_add_test(tc, missing_program_is_an_error);
	tcase_add_test(tc, cancel_fd_stops_the_child);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
