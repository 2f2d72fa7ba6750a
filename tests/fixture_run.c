/* fixture_run.c - evbench run with the fake driver, and its files read back (fixture.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "evb_csv.h"
#include "fixture.h"
#include "testutil.h"

void fx_fake_setup(struct fx_fake_run *fx, const char *fake_list)
{
	char link[700], target[700];

	tu_tmpdir(fx->tmp, sizeof(fx->tmp));
	snprintf(fx->fake, sizeof(fx->fake), "%s/fake", fx->tmp);
	snprintf(fx->run, sizeof(fx->run), "%s/run", fx->tmp);
	snprintf(fx->lock, sizeof(fx->lock), "%s/evbench.lock", fx->tmp);
	ck_assert_int_eq(mkdir(fx->fake, 0755), 0);
	snprintf(link, sizeof(link), "%s/evb-notify", fx->fake);
	snprintf(target, sizeof(target), "%s/fake_driver", EVB_FAKE_DIR);
	ck_assert_int_eq(symlink(target, link), 0);
	setenv("EVB_DRIVER_DIR", fx->fake, 1);
	setenv("EVB_LOCK_FILE", fx->lock, 1);
	setenv("EVB_FAKE_LIST", fake_list, 1);
}


int fx_fake_env_has(const struct fx_fake_run *fx, const char *text)
{
	char path[700];
	char *env;
	int found;

	snprintf(path, sizeof(path), "%s/env.csv", fx->run);
	env = tu_slurp(path);
	found = tu_contains(env, text);
	free(env);
	return found;
}

/* results.csv as rows; every row must parse. */
size_t fx_load_rows(const char *path, struct evb_row **out)
{
	struct evb_table t;
	struct evb_row *rows;

	ck_assert_msg(evb_table_load(&t, path) == 0, "%s", t.error);
	rows = calloc(t.nrows + 1, sizeof(*rows));
	for (size_t r = 0; r < t.nrows; r++) {
		char error[256];

		ck_assert_msg(evb_row_parse(&rows[r], t.rows[r].fields, t.rows[r].nfields, error,
					    sizeof(error)) == 0, "row %zu: %s", r, error);
	}
	size_t n = t.nrows;

	evb_table_free(&t);
	*out = rows;
	return n;
}

/* How many rows of mechanism x mode x rep. */
int fx_count_rows(const struct evb_row *rows, size_t n, const char *mech, const char *mode,
		 int rep)
{
	int k = 0;

	for (size_t i = 0; i < n; i++)
		k += !strcmp(rows[i].mechanism, mech) && !strcmp(rows[i].mode, mode) &&
		     rows[i].rep == rep;
	return k;
}

pid_t fx_fake_start_run(const struct fx_fake_run *fx, const char *const *extra)
{
	const char *argv[32] = { tu_bin("evbench"), "run", "--family", "notify", "--profile",
				 "smoke", "--out", fx->run };
	size_t n = 8;
	pid_t pid;

	for (size_t i = 0; extra && extra[i] && n < 31; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, STDERR_FILENO);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

/* Wait until file holds at least lines lines (test code: polling). */
void fx_wait_lines(const char *path, int lines)
{
	for (int i = 0; i < 1500; i++) {
		FILE *f = fopen(path, "r");
		int n = 0, c;

		while (f && (c = fgetc(f)) != EOF)
			n += c == '\n';
		if (f)
			fclose(f);
		if (n >= lines)
			return;
		usleep(20000);
	}
	ck_abort_msg("%s never reached %d lines", path, lines);
}

int fx_wait_exit(pid_t pid)
{
	int status;

	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int fx_fake_file_has(const struct fx_fake_run *fx, const char *name, const char *text)
{
	char path[800];
	char *body;
	int has;

	snprintf(path, sizeof(path), "%s/%s", fx->run, name);
	if (access(path, R_OK))
		return 0;
	if (!text)
		return 1;
	body = tu_slurp(path);
	has = tu_contains(body, text);
	free(body);
	return has;
}
