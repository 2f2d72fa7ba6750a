/* test_run_util.h - a fake-driver run directory for the run tests. */
#ifndef EVB_TEST_RUN_UTIL_H
#define EVB_TEST_RUN_UTIL_H

#include <stddef.h>
#include <sys/types.h>

#include "evb_row.h"

struct tr_fixture {
	char tmp[512];
	char fake[600];     /* EVB_DRIVER_DIR: evb-notify -> fake_driver */
	char run[600];
	char lock[600];     /* EVB_LOCK_FILE: this test's own machine lock */
};

/* A temporary directory with the fake driver offering fake_list's mechanisms. */
void tr_setup(struct tr_fixture *fx, const char *fake_list);
/* A whole file, NUL-terminated; free() it. */
/* Does RUN/name exist and contain text (NULL: only exist)? */
int tr_file_has(const struct tr_fixture *fx, const char *name, const char *text);
/* Does the run's env.csv contain text? */
int tr_env_has(const struct tr_fixture *fx, const char *text);
/* A results.csv-schema file as rows (every row must parse); free() *out. */
size_t tr_load_rows(const char *path, struct evb_row **out);
/* Rows of mechanism x mode x rep. */
int tr_count(const struct evb_row *rows, size_t n, const char *mech, const char *mode, int rep);
/* `evbench run --family notify --profile smoke --out RUN extra...` in the background. */
pid_t tr_start_run(const struct tr_fixture *fx, const char *const *extra);
/* Wait until path holds at least lines lines. */
void tr_wait_lines(const char *path, int lines);
/* Exit status, or 128 + signal. */
int tr_wait_exit(pid_t pid);

#endif
