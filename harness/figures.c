/* figures.c - data files and gnuplot rendering for the figure functions. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evb_spawn.h"
#include "evb_sys.h"
#include "figures.h"

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
 * A serve figure per measured request: server_cpu_ns (or client_cpu_ns,
 * machine_cpu_ns, cpu_user_ns + cpu_sys_ns, wakeups) over samples, the
 * responses of the window the clocks and counts were read over (ops_per_s
 * x window); delivered also counts the warm-up and a calibration.
 */
static double per_sample(const struct evb_table *t, size_t row, const char *name)
{
	char column[64];
	double samples = harness_num(t, row, "samples");

	snprintf(column, sizeof(column), "%.*s", (int)(strlen(name) - strlen("_per_op")), name);
	return samples > 0 ? harness_num(t, row, column) / samples : NAN;
}

/*
 * Decided by family: a serve row reads every CPU figure over its measured
 * window only, while mux and notify read theirs over the phase whose
 * events delivered counts (mux's machine_cpu_ns over the loop's events).
 */
static bool per_window(const struct evb_table *t, size_t row)
{
	return !strcmp(harness_str(t, row, "family"), "serve");
}

double harness_row_value(const struct evb_table *t, size_t row, const char *name)
{
	if (per_window(t, row) && (!strcmp(name, "cpu_ns_per_op") ||
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
	if (!strcmp(name, "server_cpu_ns_per_op") || !strcmp(name, "client_cpu_ns_per_op") ||
	    !strcmp(name, "wakeups_per_op"))
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

long harness_find_row(const struct evb_table *t, const char *const *kv)
{
	int cols[32];
	int n = 0;

	for (; kv[2 * n] && n < 32; n++)
		cols[n] = evb_table_col(t, kv[2 * n]);
	for (size_t r = 0; r < t->nrows; r++) {
		int i = 0;

		while (i < n && !strcmp(evb_table_get(t, r, cols[i]), kv[2 * i + 1]))
			i++;
		if (i == n)
			return (long)r;
	}
	return -1;
}

/*
 * "./" before a relative directory: gnuplot reads a file name that starts
 * with '<' as a command to run, and writes output named "|..." to one.
 */
static const char *dir_prefix(const char *dir)
{
	return dir[0] == '/' || dir[0] == '.' ? "" : "./";
}

FILE *harness_fig_data(const struct harness_figctx *ctx, const char *name, char *path,
		       size_t len)
{
	FILE *f;

	if (evb_fmt(path, len, "%s%s/figures", dir_prefix(ctx->run_dir), ctx->run_dir) ||
	    evb_fmt(path, len, "%s%s/figures/%s.dat", dir_prefix(ctx->run_dir), ctx->run_dir,
		    name)) {
		fprintf(stderr, "evbench: figure data path too long: %s...\n", path);
		return NULL;
	}
	evb_fmt(path, len, "%s%s/figures", dir_prefix(ctx->run_dir), ctx->run_dir);
	if (mkdir(path, 0755) && errno != EEXIST) {
		fprintf(stderr, "evbench: mkdir %s: %s\n", path, strerror(errno));
		return NULL;
	}
	snprintf(path, len, "%s%s/figures/%s.dat", dir_prefix(ctx->run_dir), ctx->run_dir, name);
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "evbench: %s: %s\n", path, strerror(errno));
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
	/* gnuplot -c script ARG1..ARG9: data, out, fmt, then the script's own */
	char *argv[4 + 9 + 1] = { gnuplot, "-c", script_path, NULL };
	int argc = 3;

	if (find_program("gnuplot", gnuplot, sizeof(gnuplot)))
		return -ENOENT;
	if (evb_fmt(script_path, sizeof(script_path), "%s/%s", ctx->plots_dir, script) ||
	    evb_fmt(out_path, sizeof(out_path), "%s%s/figures/%s", dir_prefix(ctx->run_dir),
		    ctx->run_dir, out))
		return -ENAMETOOLONG;
	if (data[0] != '/' && data[0] != '.')
		return -EINVAL;   /* harness_fig_data's paths, never a "<command" */
	argv[argc++] = (char *)data;
	argv[argc++] = out_path;
	argc++;   /* fmt, below */
	for (int i = 0; args && args[i]; i++) {
		if (argc == 3 + 9)
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

		argv[5] = (char *)formats[f];
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
