/* test_env.c - every key of the environment list is written, with a value. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evb_env.h"
#include "testutil.h"

START_TEST(every_design_key_is_present)
{
	static const char *const keys[] = {
		"kernel_release", "kernel_version", "kernel_cmdline", "preempt_model",
		"cpu_model", "cpus_online", "smt_active", "cpu_topology", "clocksource", "governor",
		"cpu_dma_latency_us", "timer_slack_ns", "mitigations", "virtualization",
		"io_uring_disabled", "io_uring_ops", "io_uring_features", "rlimit_nofile_soft",
		"rlimit_nofile_hard", "nr_open",
		"loadavg", "thp", "compiler", "cflags", "evbench_commit", "kernel_debug_options",
		NULL,
	};
	struct evb_env env;

	ck_assert_int_eq(evb_env_capture(&env), 0);
	for (int i = 0; keys[i]; i++) {
		const char *value = evb_env_get(&env, keys[i]);

		ck_assert_msg(value != NULL, "key %s missing", keys[i]);
		ck_assert_msg(value[0] != '\0', "key %s empty (should say unavailable)", keys[i]);
	}
	evb_env_free(&env);
}
END_TEST

START_TEST(csv_has_warnings_as_rows)
{
	struct evb_env env;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_int_eq(evb_env_capture(&env), 0);
	evb_env_warn(&env, "test warning, with a comma");
	evb_env_set(&env, "run_profile", "%s", "smoke");
	evb_env_set(&env, "run_profile", "%s", "quick");   /* replaces */
	ck_assert_int_eq(evb_env_write_csv(&env, f), 0);
	fclose(f);
	ck_assert(strncmp(buf, "key,value\n", 10) == 0);
	ck_assert(tu_contains(buf, "\"test warning, with a comma\""));
	ck_assert(tu_contains(buf, "run_profile,quick\n"));
	ck_assert(!tu_contains(buf, "run_profile,smoke"));
	free(buf);
	evb_env_free(&env);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("env");
	TCase *tc = tcase_create("env");

	tcase_add_test(tc, every_design_key_is_present);
	tcase_add_test(tc, csv_has_warnings_as_rows);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
