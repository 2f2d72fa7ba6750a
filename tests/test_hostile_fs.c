/*
 * test_hostile_fs.c - a run directory's names are not trusted
 * (harness/rundir_fs.h): whoever made it may have left symbolic links,
 * FIFOs or devices where evbench writes or reads.
 *   - figures/ as a link to a directory: plot refuses it (exit 2), writes
 *     nothing there;
 *   - figures/ .dat and .svg files, report.html, report.md.tmp, summary.csv.tmp
 *     and report.html.tmp as links to a file outside: summarize, plot and
 *     report write nothing through them (the file's bytes and mtime stay);
 *   - results.csv as a link, a FIFO, a link to /dev/zero: summarize, plot
 *     and report refuse it by name with exit 2, at once (no hang);
 *   - run --out a directory others may write or another user's (as root),
 *     compare --out one others may write: refused;
 *   - run --resume with a plan.csv whose extra holds --hist FILE: refused,
 *     naming --hist, and FILE never written.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evb_sys.h"
#include "fixture.h"
#include "testutil.h"

static const struct fx_cell notify = { .family = "notify", .mechanism = "eventfd",
				       .mode = "pingpong", .ipc = "thread",
				       .placement = "cross-cpu" };

static void write_run(const char *dir)
{
	const double values[] = { 1000, 1010, 990, 1005, 995 };
	char path[1200];
	FILE *f;

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	f = fx_open(dir);
	fx_latency(f, &notify, values, 5);
	ck_assert_int_eq(fclose(f), 0);
	snprintf(path, sizeof(path), "%s/env.csv", dir);
	fx_write_file(path, "key,value\nrun_id,fs\nrun_state,complete\n");
}

/* evbench args exits with status, within 30 s; stderr returned (a copy). */
static char *run_expect(const char *const *args, int status)
{
	struct evb_spawn_result res = tu_run("evbench", args, 30);
	char *err = strdup(tu_stderr());

	ck_assert_msg(res.end == EVB_SPAWN_EXITED, "evbench %s: did not exit (a hang?)",
		      args[0]);
	ck_assert_msg(res.exit_status == status, "evbench %s: exit %d, not %d: %s", args[0],
		      res.exit_status, status, err);
	evb_spawn_result_free(&res);
	return err;
}

static void link_at(const char *dir, const char *name, const char *target)
{
	char path[1200];

	ck_assert_int_eq(evb_fmt(path, sizeof(path), "%s/%s", dir, name), 0);
	unlink(path);
	ck_assert_msg(symlink(target, path) == 0, "symlink %s: %s", path, strerror(errno));
}

/* Every name ending in suffix in dir becomes a link to target. */
static size_t link_all(const char *dir, const char *suffix, const char *target)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char names[64][256];
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) && n < 64) {
		size_t len = strlen(e->d_name);

		if (len > strlen(suffix) && !strcmp(e->d_name + len - strlen(suffix), suffix))
			snprintf(names[n++], sizeof(names[0]), "%s", e->d_name);
	}
	closedir(d);
	for (size_t i = 0; i < n; i++)
		link_at(dir, names[i], target);
	return n;
}

/* Names in dir that start with prefix. */
static size_t count_prefixed(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		n += !strncmp(e->d_name, prefix, strlen(prefix));
	closedir(d);
	return n;
}

START_TEST(writes_never_follow_a_link)
{
	char tmp[512], run[700], figures[800], target[700], path[1200];
	const char *const summarize[] = { "summarize", run, NULL };
	const char *const plot[] = { "plot", run, NULL };
	const char *const report[] = { "report", run, NULL };
	struct stat before, after;
	char *text;

	tu_tmpdir(tmp, sizeof(tmp));
	snprintf(run, sizeof(run), "%s/run", tmp);
	snprintf(figures, sizeof(figures), "%s/figures", run);
	snprintf(target, sizeof(target), "%s/authorized_keys", tmp);
	write_run(run);
	free(run_expect(summarize, 0));
	free(run_expect(plot, 0));   /* figures/ and its names as a plot leaves them */

	fx_write_file(target, "precious\n");
	ck_assert_int_eq(chmod(target, 0666), 0);   /* writable, should anything try */
	ck_assert_int_eq(stat(target, &before), 0);
	link_all(figures, ".dat", target);
	link_all(figures, ".svg", target);
	link_all(figures, ".png", target);
	link_at(figures, "notify_latency_pingpong_thread.dat", target);
	link_at(run, "summary.csv.tmp", target);
	link_at(run, "report.html.tmp", target);
	link_at(run, "report.md.tmp", target);
	link_at(run, "report.html", target);
	sleep(1);   /* an mtime written to would differ */

	free(run_expect(summarize, 0));
	free(run_expect(plot, 0));
	free(run_expect(report, 0));

	ck_assert_int_eq(stat(target, &after), 0);
	text = tu_slurp(target);
	ck_assert_str_eq(text, "precious\n");
	free(text);
	ck_assert_int_eq(after.st_size, before.st_size);
	ck_assert(after.st_mtim.tv_sec == before.st_mtim.tv_sec &&
		  after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
	/* the final names are the new files now, not links */
	snprintf(path, sizeof(path), "%s/report.html", run);
	ck_assert_int_eq(lstat(path, &after), 0);
	ck_assert(S_ISREG(after.st_mode));
	snprintf(path, sizeof(path), "%s/figures/notify_latency_pingpong_thread.dat", run);
	ck_assert_int_eq(lstat(path, &after), 0);
	ck_assert(S_ISREG(after.st_mode));
	/* drawn in a work directory of its own, gone once the figures are in place */
	ck_assert_int_eq(count_prefixed(figures, ".work."), 0);
	snprintf(path, sizeof(path), "%s/figures/notify_latency_pingpong_thread.svg", run);
	if (access(path, F_OK) == 0) {   /* with gnuplot: where it was drawn is not in it */
		text = tu_slurp(path);
		ck_assert_msg(!strstr(text, "/proc/self/fd"), "%s names its work path", path);
		free(text);
	}
	tu_rmtree(tmp);
}
END_TEST

START_TEST(figures_as_a_link_is_refused)
{
	char tmp[512], run[700], elsewhere[700];
	const char *const plot[] = { "plot", run, NULL };
	const char *const summarize[] = { "summarize", run, NULL };
	char *err;
	DIR *d;
	struct dirent *e;

	tu_tmpdir(tmp, sizeof(tmp));
	snprintf(run, sizeof(run), "%s/run", tmp);
	snprintf(elsewhere, sizeof(elsewhere), "%s/elsewhere", tmp);
	write_run(run);
	free(run_expect(summarize, 0));
	ck_assert_int_eq(mkdir(elsewhere, 0755), 0);
	link_at(run, "figures", elsewhere);
	err = run_expect(plot, 2);
	ck_assert_msg(strstr(err, "figures"), "%s", err);
	free(err);
	d = opendir(elsewhere);
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		ck_assert_msg(!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."),
			      "plot wrote %s through the figures link", e->d_name);
	closedir(d);
	tu_rmtree(tmp);
}
END_TEST

/* results.csv replaced by what make() leaves: every reader refuses it. */
static void refused_results(const char *what, void (*make)(const char *path, const char *tmp))
{
	char tmp[512], run[700], path[800];
	const char *const summarize[] = { "summarize", run, NULL };
	const char *const plot[] = { "plot", run, NULL };
	const char *const report[] = { "report", run, NULL };
	const char *const *commands[] = { summarize, plot, report };

	tu_tmpdir(tmp, sizeof(tmp));
	snprintf(run, sizeof(run), "%s/run", tmp);
	write_run(run);
	free(run_expect(summarize, 0));
	snprintf(path, sizeof(path), "%s/results.csv", run);
	ck_assert_int_eq(unlink(path), 0);
	make(path, tmp);
	for (size_t i = 0; i < 3; i++) {
		char *err = run_expect(commands[i], 2);

		ck_assert_msg(strstr(err, "results.csv") && strstr(err, what),
			      "evbench %s: the refusal names neither results.csv nor '%s': %s",
			      commands[i][0], what, err);
		free(err);
	}
	tu_rmtree(tmp);
}

static void make_link(const char *path, const char *tmp)
{
	char target[700];

	snprintf(target, sizeof(target), "%s/elsewhere.csv", tmp);
	fx_write_file(target, "not,a,run\n");
	ck_assert_int_eq(symlink(target, path), 0);
}

static void make_fifo(const char *path, const char *tmp)
{
	(void)tmp;
	ck_assert_int_eq(mkfifo(path, 0644), 0);
}

static void make_zero(const char *path, const char *tmp)
{
	(void)tmp;
	ck_assert_int_eq(symlink("/dev/zero", path), 0);
}

START_TEST(results_as_a_link_is_refused)
{
	refused_results("symbolic link", make_link);
}
END_TEST

START_TEST(results_as_a_fifo_is_refused)
{
	refused_results("not a regular file", make_fifo);
}
END_TEST

START_TEST(results_as_dev_zero_is_refused)
{
	refused_results("symbolic link", make_zero);
}
END_TEST

START_TEST(out_writable_by_others_is_refused)
{
	struct fx_fake_run fx;
	char a[700], b[700], out[700];

	fx_fake_setup(&fx, "ok");
	ck_assert_int_eq(mkdir(fx.run, 0700), 0);
	ck_assert_int_eq(chmod(fx.run, 0777), 0);

	const char *const run[] = { "run", "--family", "notify", "--profile", "smoke", "--out",
				    fx.run, "--no-figures", NULL };
	char *err = run_expect(run, 2);

	ck_assert_msg(strstr(err, "--out") && strstr(err, "0777"), "%s", err);
	free(err);
	if (geteuid() == 0) {   /* another user's empty directory, mode 0755 */
		ck_assert_int_eq(chmod(fx.run, 0755), 0);
		ck_assert_int_eq(chown(fx.run, 65534, 65534), 0);
		err = run_expect(run, 2);
		ck_assert_msg(strstr(err, "--out") && strstr(err, "owned by uid 65534"), "%s", err);
		free(err);
	}

	snprintf(a, sizeof(a), "%s/a", fx.tmp);
	snprintf(b, sizeof(b), "%s/b", fx.tmp);
	snprintf(out, sizeof(out), "%s/cmp", fx.tmp);
	write_run(a);
	write_run(b);
	ck_assert_int_eq(mkdir(out, 0700), 0);
	ck_assert_int_eq(chmod(out, 0777), 0);

	const char *const compare[] = { "compare", a, b, "--out", out, NULL };

	err = run_expect(compare, 2);
	ck_assert_msg(strstr(err, "--out") && strstr(err, "0777"), "%s", err);
	free(err);
	tu_rmtree(fx.tmp);
}
END_TEST

/* Replace every line's empty extra (the last column) of plan.csv by extra. */
static void plan_extra(const char *run, const char *extra)
{
	char path[800], *text, *out, *p;
	size_t len, used = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/plan.csv", run);
	text = fx_read_file(path, &len);
	out = malloc(len * 4 + 4096);
	ck_assert_ptr_nonnull(out);
	p = text;
	for (int line = 0; *p; line++) {
		char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		memcpy(out + used, p, n);
		used += n;
		if (line > 0 && n && p[n - 1] == ',')
			used += (size_t)sprintf(out + used, "%s", extra);
		out[used++] = '\n';
		p += n + (nl ? 1 : 0);
	}
	out[used] = '\0';
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(out, f);
	ck_assert_int_eq(fclose(f), 0);
	free(out);
	free(text);
}

START_TEST(resume_runs_no_foreign_option)
{
	struct fx_fake_run fx;
	char env[800], hist[700], extra[800], *text, *edited, *at, *err;

	fx_fake_setup(&fx, "ok");
	const char *const run[] = { "run", "--family", "notify", "--profile", "smoke", "--out",
				    fx.run, "--reps", "1", "--no-figures", NULL };
	const char *const resume[] = { "run", "--resume", fx.run, NULL };

	free(run_expect(run, 0));
	/* as if it had been interrupted */
	snprintf(env, sizeof(env), "%s/env.csv", fx.run);
	text = tu_slurp(env);
	at = strstr(text, "run_state,complete");
	ck_assert_ptr_nonnull(at);
	*at = '\0';
	ck_assert(asprintf(&edited, "%srun_state,interrupted%s", text,
			   at + strlen("run_state,complete")) > 0);
	fx_write_file(env, edited);
	free(edited);
	free(text);

	snprintf(hist, sizeof(hist), "%s/written-by-resume", fx.tmp);
	snprintf(extra, sizeof(extra), "--hist %s", hist);
	plan_extra(fx.run, extra);
	err = run_expect(resume, 2);
	ck_assert_msg(strstr(err, "--hist") && strstr(err, "plan.csv"), "%s", err);
	free(err);
	ck_assert_msg(access(hist, F_OK) != 0, "%s was written", hist);
	tu_rmtree(fx.tmp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hostile_fs");
	TCase *tc = tcase_create("run directory names");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, writes_never_follow_a_link);
	tcase_add_test(tc, figures_as_a_link_is_refused);
	tcase_add_test(tc, results_as_a_link_is_refused);
	tcase_add_test(tc, results_as_a_fifo_is_refused);
	tcase_add_test(tc, results_as_dev_zero_is_refused);
	tcase_add_test(tc, out_writable_by_others_is_refused);
	tcase_add_test(tc, resume_runs_no_foreign_option);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
