/* figures.c - data files and gnuplot rendering for the figure functions. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evb_axes.h"
#include "evb_sb.h"
#include "evb_spawn.h"
#include "evb_sys.h"
#include "figures.h"
#include "rundir.h"
#include "rundir_fs.h"
#include "harness.h"

double harness_num(const struct evb_table *t, size_t row, const char *col)
{
	const char *text = evb_table_get(t, row, evb_table_col(t, col));
	char *end;
	double value;

	if (!text[0])
		return NAN;
	value = strtod(text, &end);
	return *end ? NAN : value;
}

const char *harness_str(const struct evb_table *t, size_t row, const char *col)
{
	return evb_table_get(t, row, evb_table_col(t, col));
}

void harness_mech_label(const struct evb_table *t, size_t row, char *buf, size_t len)
{
	const char *v = harness_str(t, row, "variant"), *setup = harness_str(t, row, "uring_setup");
	bool shown = setup[0] && strcmp(setup, "default");

	snprintf(buf, len, "%s%s%s%s%s", harness_str(t, row, "mechanism"), v[0] ? "/" : "", v,
		 shown ? "/" : "", shown ? setup : "");
}

/* Operations of a row, for the per-op figures: delivered, else samples. */
static double row_ops(const struct evb_table *t, size_t row)
{
	double ops = harness_num(t, row, "delivered");

	if (!(ops > 0))
		ops = harness_num(t, row, "samples");
	return ops > 0 ? ops : NAN;
}

/*
 * A figure per measured request: a column (server_cpu_ns, client_cpu_ns,
 * wakeups) over samples, the responses of the window the clocks and
 * counts were read over (ops_per_s x window); delivered also counts the
 * warm-up and a calibration.
 */
static double per_sample(const struct evb_table *t, size_t row, const char *name)
{
	char column[64];
	double samples = harness_num(t, row, "samples");

	evb_sb_fmt(column, sizeof(column), "%.*s", (int)(strlen(name) - strlen("_per_op")), name);
	return samples > 0 ? harness_num(t, row, column) / samples : NAN;
}

/* The row's family, by name (NULL: none of this build's). */
static const struct harness_family *family_of(const struct evb_table *t, size_t row)
{
	return harness_family_find(harness_str(t, row, "family"));
}

/* Is name a per-sample figure (<column>_per_op) some family puts in
 * summary.csv (struct harness_family's summary_figures)?  Such a figure is
 * that column over samples in every row that has the column. */
static bool per_sample_figure(const char *name)
{
	size_t n = strlen(name), suffix = strlen("_per_op");

	if (n <= suffix || strcmp(name + n - suffix, "_per_op"))
		return false;
	for (size_t f = 0; f < harness_nfamilies; f++) {
		const char *const *own = harness_families[f]->summary_figures;

		for (size_t i = 0; own && own[i]; i++)
			if (!strcmp(own[i], name))
				return true;
	}
	return false;
}

double harness_row_value(const struct evb_table *t, size_t row, const char *name)
{
	const struct harness_family *f = family_of(t, row);

	if (f && f->cpu_per_window && (!strcmp(name, "cpu_ns_per_op") ||
				       !strcmp(name, "machine_cpu_ns_per_op"))) {
		double samples = harness_num(t, row, "samples");
		double cpu = !strcmp(name, "cpu_ns_per_op")
			? harness_num(t, row, "cpu_user_ns") + harness_num(t, row, "cpu_sys_ns")
			: harness_num(t, row, "machine_cpu_ns");

		return samples > 0 ? cpu / samples : NAN;
	}
	if (!strcmp(name, "cpu_ns_per_op"))
		return (harness_num(t, row, "cpu_user_ns") + harness_num(t, row, "cpu_sys_ns")) /
		       row_ops(t, row);
	if (!strcmp(name, "machine_cpu_ns_per_op"))
		return harness_num(t, row, "machine_cpu_ns") / row_ops(t, row);
	if (!strcmp(name, "cpu_ab_ns_per_op"))
		return (harness_num(t, row, "cpu_a_ns") + harness_num(t, row, "cpu_b_ns")) /
		       row_ops(t, row);
	if (per_sample_figure(name))
		return per_sample(t, row, name);
	return harness_num(t, row, name);
}

size_t harness_ok_values(const struct evb_table *t, const char *col, double **values)
{
	size_t n = 0;

	*values = malloc((t->nrows ? t->nrows : 1) * sizeof(double));
	for (size_t r = 0; *values && r < t->nrows; r++) {
		double v = harness_num(t, r, col);

		if (!strcmp(harness_str(t, r, "status"), "ok") && isfinite(v))
			(*values)[n++] = v;
	}
	return n;
}

bool harness_row_matches(const struct evb_table *t, size_t row, const char *const *kv)
{
	for (int i = 0; kv[2 * i]; i++)
		if (strcmp(evb_table_get(t, row, evb_table_col(t, kv[2 * i])), kv[2 * i + 1]))
			return false;
	return true;
}

long harness_find_row(const struct evb_table *t, const char *const *kv)
{
	for (size_t r = 0; r < t->nrows; r++)
		if (harness_row_matches(t, r, kv))
			return (long)r;
	return -1;
}

long harness_find_labelled(const struct evb_table *t, const char *const *kv, const char *label,
			   size_t label_len, bool with_setup)
{
	char this_label[256];

	if (label_len > sizeof(this_label))
		label_len = sizeof(this_label);
	for (size_t r = 0; r < t->nrows; r++) {
		if (!harness_row_matches(t, r, kv))
			continue;
		if (with_setup)
			harness_mech_label(t, r, this_label, label_len);
		else
			evb_mech_label(this_label, label_len, harness_str(t, r, "mechanism"),
				       harness_str(t, r, "variant"));
		if (!strcmp(this_label, label))
			return (long)r;
	}
	return -1;
}

int harness_fig_begin(struct harness_figctx *ctx)
{
	char error[PATH_MAX + 100];
	int run_fd = harness_rundir_open(ctx->run_dir, error, sizeof(error));
	struct stat st;
	unsigned char rnd[4];

	ctx->fig_fd = ctx->work_fd = -1;
	if (run_fd < 0)
		goto err;
	ctx->fig_fd = harness_rundir_subdir(run_fd, "figures", true, error, sizeof(error));
	close(run_fd);
	if (ctx->fig_fd == -ELOOP || ctx->fig_fd == -ENOTDIR) {
		fprintf(stderr, "%s: %s: %s\n", HARNESS_PROG, ctx->run_dir, error);
		return -ENOTDIR;   /* the run directory's fault */
	}
	if (ctx->fig_fd < 0)
		goto err;
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		snprintf(error, sizeof(error), "getrandom: %s", strerror(errno));
		goto err_close_fig;
	}
	snprintf(ctx->work_name, sizeof(ctx->work_name), ".work.%02x%02x%02x%02x", rnd[0], rnd[1],
		 rnd[2], rnd[3]);
	if (mkdirat(ctx->fig_fd, ctx->work_name, 0700)) {
		snprintf(error, sizeof(error), "figures/%s: %s", ctx->work_name, strerror(errno));
		goto err_close_fig;
	}
	/* no O_CLOEXEC: gnuplot reaches it as /proc/self/fd/N */
	ctx->work_fd = openat(ctx->fig_fd, ctx->work_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	if (ctx->work_fd < 0 || fstat(ctx->work_fd, &st) || st.st_uid != geteuid() ||
	    (st.st_mode & 077)) {
		snprintf(error, sizeof(error), "figures/%s: %s", ctx->work_name, ctx->work_fd < 0
			 ? strerror(errno) : "replaced by someone else's directory, refused");
		goto err_remove_work;
	}
	snprintf(ctx->work_path, sizeof(ctx->work_path), "/proc/self/fd/%d", ctx->work_fd);
	return 0;

err_remove_work:
	if (ctx->work_fd >= 0)
		close(ctx->work_fd);
	ctx->work_fd = -1;
	unlinkat(ctx->fig_fd, ctx->work_name, AT_REMOVEDIR);
err_close_fig:
	close(ctx->fig_fd);
	ctx->fig_fd = -1;
err:
	fprintf(stderr, "%s: %s: %s\n", HARNESS_PROG, ctx->run_dir, error);
	return -EIO;
}

void harness_fig_end(struct harness_figctx *ctx)
{
	int fd = ctx->work_fd >= 0 ? fcntl(ctx->work_fd, F_DUPFD_CLOEXEC, 0) : -1;
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *d;

	if (ctx->work_fd < 0)
		return;
	/* until a pass finds nothing: entries renamed away during readdir may hide others */
	for (int pass = 0, moved = 1; dir && moved && pass < 8; pass++) {
		moved = 0;
		rewinddir(dir);
		while ((d = readdir(dir))) {
			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
				continue;
			moved = 1;
			if (!renameat(ctx->work_fd, d->d_name, ctx->fig_fd, d->d_name))
				continue;
			fprintf(stderr, "%s: %s/figures/%s: %s\n", HARNESS_PROG, ctx->run_dir,
				d->d_name, strerror(errno));
			unlinkat(ctx->work_fd, d->d_name, 0);
		}
	}
	if (dir)
		closedir(dir);
	else if (fd >= 0)
		close(fd);
	close(ctx->work_fd);
	if (unlinkat(ctx->fig_fd, ctx->work_name, AT_REMOVEDIR))
		fprintf(stderr, "%s: %s/figures/%s: %s\n", HARNESS_PROG, ctx->run_dir,
			ctx->work_name, strerror(errno));
	close(ctx->fig_fd);
	ctx->work_fd = ctx->fig_fd = -1;
	ctx->work_path[0] = '\0';
}

FILE *harness_fig_data(const struct harness_figctx *ctx, const char *name, char *path,
		       size_t len)
{
	char file[NAME_MAX + 1];
	FILE *f;
	int fd;

	if (!ctx->work_path[0] || evb_fmt(file, sizeof(file), "%s.dat", name) ||
	    evb_fmt(path, len, "%s/%s", ctx->work_path, file)) {
		fprintf(stderr, "%s: figure data %s: %s\n", HARNESS_PROG, name,
			ctx->work_path[0] ? "name too long" : "no work directory");
		return NULL;
	}
	fd = evb_open_regular(ctx->work_fd, file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		fprintf(stderr, "%s: %s/figures/%s: %s\n", HARNESS_PROG, ctx->run_dir, file,
			fd >= 0 ? strerror(errno) : evb_open_why(fd));
		if (fd >= 0)
			close(fd);
	}
	return f;
}

/* Full path of a program found in $PATH, or -ENOENT. */
static int find_program(const char *name, char *path, size_t len)
{
	const char *dirs = getenv("PATH");
	char copy[4096], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", dirs && *dirs ? dirs : "/usr/bin:/bin");
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		if (evb_fmt(path, len, "%s/%s", dir, name) == 0 && access(path, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

static void log_line(void *arg, const char *line)
{
	FILE *log = arg;

	if (log)
		fprintf(log, "gnuplot: %s\n", line);
}

int harness_gnuplot(const struct harness_figctx *ctx, const char *script, const char *data,
		    const char *out, const char *const *args)
{
	static const char *const formats[] = { "svg", "png" };
	char gnuplot[PATH_MAX], script_path[PATH_MAX], out_path[PATH_MAX];
	/* gnuplot -d (no ~/.gnuplot) -c script ARG1..ARG9: data, out, fmt, then the script's own */
	char *argv[5 + 9 + 1] = { gnuplot, "-d", "-c", script_path, NULL };
	int argc = 4;

	if (find_program("gnuplot", gnuplot, sizeof(gnuplot)))
		return -ENOENT;
	if (!ctx->work_path[0])
		return -EINVAL;   /* harness_fig_begin first */
	if (evb_fmt(script_path, sizeof(script_path), "%s/%s", ctx->plots_dir, script) ||
	    evb_fmt(out_path, sizeof(out_path), "%s/%s", ctx->work_path, out))
		return -ENAMETOOLONG;
	if (data[0] != '/')
		return -EINVAL;   /* harness_fig_data's paths, never a "<command" */
	argv[argc++] = (char *)data;
	argv[argc++] = out_path;
	argc++;   /* fmt, below */
	for (int i = 0; args && args[i]; i++) {
		if (argc == 4 + 9)
			return -E2BIG;
		argv[argc++] = (char *)args[i];
	}
	argv[argc] = NULL;

	for (int f = 0; f < 2; f++) {
		struct evb_spawn_opts opts = {
			.timeout_ns = 60 * 1000000000LL,
			.cancel_fd = ctx->cancel_fd,
			.on_stderr = log_line,
			.arg = ctx->log,
		};
		struct evb_spawn_result res;
		int ret;

		argv[6] = (char *)formats[f];
		ret = evb_spawn(argv, &opts, &res);
		if (ret)
			return ret;
		if (res.end == EVB_SPAWN_CANCELED) {
			evb_spawn_result_free(&res);
			return -EINTR;
		}
		ret = res.end == EVB_SPAWN_EXITED && res.exit_status == 0 ? 0 : -EIO;
		if (ret)
			fprintf(stderr, "evbench: gnuplot %s failed for %s: %s\n", script,
				formats[f], res.end == EVB_SPAWN_TIMEOUT
				? "killed after its 60 s time limit" : res.last_err);
		evb_spawn_result_free(&res);
		if (ret)
			return ret;
	}
	return 0;
}

void harness_fig_label(FILE *f, const char *label)
{
	for (; *label; label++) {
		unsigned char ch = (unsigned char)*label;

		fputc(ch < 0x20 || ch == 0x7f ? ' ' : ch == '"' ? '\'' : ch, f);
	}
}

size_t harness_fig_word(char *buf, size_t len, size_t used, const char *label)
{
	if (used + 1 < len && used)
		buf[used++] = ' ';
	for (; *label && used + 1 < len; label++) {
		unsigned char ch = (unsigned char)*label;

		buf[used++] = ch <= ' ' || ch == 0x7f || ch == '"' || ch == '\'' ? '_' : (char)ch;
	}
	if (used < len)
		buf[used] = '\0';
	return used;
}

void harness_fig_put(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "\t%.6g", v);
	else
		fputs("\t-", f);
}

int harness_render_figures(const char *run_dir, FILE *log, int cancel_fd)
{
	char summary_path[PATH_MAX], results_path[PATH_MAX], plots[PATH_MAX];
	struct evb_table summary, results;
	int ret = 0;

	harness_run_path(summary_path, sizeof(summary_path), run_dir, "summary.csv");
	harness_run_path(results_path, sizeof(results_path), run_dir, "results.csv");
	harness_plots_dir(plots, sizeof(plots));
	if (evb_table_load(&summary, summary_path)) {
		fprintf(stderr, "%s: %s\n", HARNESS_PROG, summary.error);
		return -EINVAL;
	}
	if (evb_table_load(&results, results_path)) {
		fprintf(stderr, "%s: %s\n", HARNESS_PROG, results.error);
		evb_table_free(&summary);
		return -EINVAL;
	}

	struct harness_figctx ctx = {
		.run_dir = run_dir,
		.plots_dir = plots,
		.summary = &summary,
		.results = &results,
		.log = log,
		.cancel_fd = cancel_fd,
	};

	ret = harness_fig_begin(&ctx);
	if (ret)
		goto out;
	for (size_t i = 0; i < harness_nfamilies; i++) {
		const struct harness_family *family = harness_families[i];
		int r;

		if (!family->figures)
			continue;
		r = family->figures(&ctx);
		if (r == -ENOENT) {
			fprintf(stderr, "%s: gnuplot not found: figures skipped (the CSV is "
				"complete; apt-get install gnuplot-nox)\n", HARNESS_PROG);
			if (log)
				fprintf(log, "figures skipped: gnuplot not found\n");
			ret = r;
			break;
		}
		if (r == -EINTR) {   /* interrupted: the caller's stage check says so */
			ret = r;
			break;
		}
		if (r && !ret)
			ret = r;
	}
	harness_fig_end(&ctx);
out:
	evb_table_free(&summary);
	evb_table_free(&results);
	return ret;
}

/* `evbench plot RUN`. */
int harness_cmd_plot(int argc, char **argv)
{
	const char *run = harness_run_arg(argc, argv, HARNESS_PROG " plot",
				  "Usage: evbench plot RUN\n\nRedraws RUN/figures/*.svg and "
				  "*.png from RUN/summary.csv and results.csv with gnuplot.\n");

	int ret = harness_render_figures(run, NULL, -1);

	return ret == -ENOTDIR ? 2 : ret ? 1 : 0;
}
