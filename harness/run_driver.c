/*
 * run_driver.c - one driver run of one cell: fork/exec with a timeout, the
 * row it printed checked against the cell (or a row the harness writes for
 * it: a crash or hang costs one row, not the run), appended to results.csv
 * and flushed at once.  Every write is checked: a write that fails (disk
 * full, I/O error) ends the run with a message naming the file, the row
 * and the error.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "evb_clock.h"
#include "evb_csv.h"
#include "evb_hist.h"
#include "evb_spawn.h"
#include "harness.h"
#include "run.h"

/* The driver gets cell.timeout_ns to end itself; we kill it this much later. */
static int64_t kill_grace_ns(int64_t timeout_ns)
{
	return EVB_NSEC_PER_SEC + timeout_ns / 10;
}

unsigned char *run_pair(struct run_state *st, size_t cell, int rep)
{
	return &st->pairs[cell * (size_t)(st->max_reps + 1) + (size_t)rep];
}

void run_fail(struct run_state *st, const char *fmt, ...)
{
	va_list ap;

	if (st->failed)
		return;
	st->failed = true;
	va_start(ap, fmt);
	vsnprintf(st->fail_msg, sizeof(st->fail_msg), fmt, ap);
	va_end(ap);
}

int run_log(struct run_state *st, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(st->log, fmt, ap);
	va_end(ap);
	if (n < 0 && !st->log_errno)
		st->log_errno = errno ? errno : EIO;
	return n < 0 ? -st->log_errno : 0;
}

static void log_stderr_line(void *arg, const char *line)
{
	run_log(arg, "  | %s\n", line);
}

bool run_check_cancel(struct run_state *st)
{
	struct signalfd_siginfo si;

	if (read(st->cancel_fd, &si, sizeof(si)) == sizeof(si)) {
		st->interrupted = true;
		if (!st->interrupt_signal)
			st->interrupt_signal = (int)si.ssi_signo;
	}
	return st->interrupted;
}

int run_hist_rep_path(const struct run_state *st, size_t cell, int rep, char *buf, size_t len)
{
	char slug[HARNESS_SLUG_MAX + 1];
	int ret = harness_cell_slug(&st->plan.cells[cell].axes, slug, sizeof(slug));

	return ret ? ret : evb_fmt(buf, len, "%s/hist/.%s.rep%d.csv", st->run_dir, slug, rep);
}

/* The row for a run that did not produce a usable one. */
static void harness_row(struct evb_row *row, const struct harness_cell *c, const char *run_id,
			int rep, const char *status)
{
	*row = c->axes;
	evb_row_set(row, run_id, run_id);
	evb_row_set(row, status, status);
	row->rep = rep;
}

/* Check the driver's stdout: exactly one row of this cell.  0 or -EINVAL. */
static int take_row(const struct evb_spawn_result *res, const struct harness_cell *c,
		    struct evb_row *row, char *error, size_t len)
{
	struct evb_csv_record rec = { 0 };
	const char *nl = strchr(res->out, '\n');
	int ret = -EINVAL;

	if (!res->out[0]) {
		snprintf(error, len, "no row on stdout");
		return -EINVAL;
	}
	if (!nl || nl[1] != '\0') {
		snprintf(error, len, "expected exactly one line on stdout");
		return -EINVAL;
	}
	if (evb_csv_parse_line(res->out, &rec, error, len) != 1)
		goto out;
	if (evb_row_parse(row, rec.fields, rec.nfields, error, len))
		goto out;
	if (strcmp(row->family, c->axes.family) || strcmp(row->mechanism, c->axes.mechanism) ||
	    strcmp(row->variant, c->axes.variant) || strcmp(row->mode, c->axes.mode)) {
		snprintf(error, len, "row is for %s/%s/%s/%s, not this cell", row->family,
			 row->mechanism, row->variant, row->mode);
		goto out;
	}
	if (strcmp(row->status, EVB_STATUS_OK) && strcmp(row->status, EVB_STATUS_SKIPPED) &&
	    strcmp(row->status, EVB_STATUS_FAILED) && strcmp(row->status, EVB_STATUS_TIMEOUT)) {
		snprintf(error, len, "unknown status '%s'", row->status);
		goto out;
	}
	ret = 0;
out:
	evb_csv_record_free(&rec);
	return ret;
}

/* The row from how the driver ended. */
static void row_from_end(const struct evb_spawn_result *res, const struct harness_cell *c,
			 const char *run_id, int rep, struct evb_row *row)
{
	char error[600] = "";
	const char *sep = res->last_err[0] ? "; stderr: " : "";

	switch (res->end) {
	case EVB_SPAWN_CANCELED:
		break;
	case EVB_SPAWN_TIMEOUT:
		harness_row(row, c, run_id, rep, EVB_STATUS_TIMEOUT);
		evb_row_reason(row, "killed after %.1f s (driver --timeout %.1f s + %.1f s grace)%s%s",
			       (double)res->wall_ns / 1e9, (double)c->timeout_ns / 1e9,
			       (double)kill_grace_ns(c->timeout_ns) / 1e9, sep, res->last_err);
		break;
	case EVB_SPAWN_SIGNALED:
		harness_row(row, c, run_id, rep, EVB_STATUS_FAILED);
		evb_row_reason(row, "driver killed by signal %d (%s)%s%s", res->term_signal,
			       strsignal(res->term_signal), sep, res->last_err);
		break;
	case EVB_SPAWN_EXITED:
		if (take_row(res, c, row, error, sizeof(error)) == 0) {
			evb_row_set(row, run_id, run_id);
			row->rep = rep;
			if (res->exit_status == 2) {
				evb_row_set(row, status, EVB_STATUS_FAILED);
				evb_row_reason(row, "driver rejected its arguments: %s",
					       res->last_err);
			}
			break;
		}
		harness_row(row, c, run_id, rep, EVB_STATUS_FAILED);
		evb_row_reason(row, "exit status %d, %s: '%.80s'%s%s", res->exit_status, error,
			       res->out, sep, res->last_err);
		break;
	}
}

/* An ok row of a cell with --hist needs its histogram file: a driver that
 * could not write it (disk full) measured nothing we can keep. */
static void check_hist_file(struct evb_row *row, const char *path, const char *last_err)
{
	struct evb_hist *h;
	FILE *f;
	int ret = -ENOMEM;

	if (strcmp(row->status, EVB_STATUS_OK) || row->samples == EVB_NA || row->samples <= 0)
		return;
	h = malloc(sizeof(*h));
	ret = evb_open_regular_in(path, O_RDONLY, 0);
	f = ret >= 0 ? fdopen(ret, "r") : NULL;
	if (!f && ret >= 0) {
		close(ret);
		ret = -errno;
	}
	if (f)
		ret = h ? evb_hist_read_csv(h, f) : -ENOMEM;
	if (f)
		fclose(f);
	free(h);
	if (!ret)
		return;
	evb_row_set(row, status, EVB_STATUS_FAILED);
	evb_row_reason(row, "histogram file %s: %s%s%s", path,
		       ret == -EINVAL ? "unreadable" : evb_open_why(ret),
		       last_err[0] ? "; stderr: " : "", last_err);
}

int run_driver_once(struct run_state *st, const char *driver, const struct harness_cell *c,
		    int rep, const char *hist_path, struct evb_row *row, int64_t *wall_ns)
{
	struct harness_argv b;
	struct evb_spawn_result res;
	struct evb_spawn_opts opts = {
		.timeout_ns = c->timeout_ns + kill_grace_ns(c->timeout_ns),
		.cancel_fd = st->cancel_fd,
		.on_stderr = log_stderr_line,
		.arg = st,
	};

	int ret = harness_cell_argv(&b, driver, c, st->run_id, rep, hist_path);

	*wall_ns = 0;
	if (ret) {
		harness_argv_free(&b);
		harness_row(row, c, st->run_id, rep, EVB_STATUS_FAILED);
		evb_row_reason(row, "building the driver's command line: %s", strerror(-ret));
		return 0;
	}
	for (int i = 0; i < b.n; i++)
		run_log(st, " %s", b.argv[i]);
	run_log(st, "\n");
	if (hist_path && unlink(hist_path) && errno != ENOENT)
		run_log(st, "  (cannot remove an old %s: %s)\n", hist_path, strerror(errno));
	ret = evb_spawn(b.argv, &opts, &res);
	harness_argv_free(&b);
	if (ret) {
		harness_row(row, c, st->run_id, rep, EVB_STATUS_FAILED);
		evb_row_reason(row, "%s", res.last_err);
		return 0;
	}
	*wall_ns = res.wall_ns;
	if (res.end == EVB_SPAWN_CANCELED) {
		st->interrupted = true;
		run_check_cancel(st);
		evb_spawn_result_free(&res);
		return -EINTR;
	}
	row_from_end(&res, c, st->run_id, rep, row);
	if (hist_path)
		check_hist_file(row, hist_path, res.last_err);
	evb_spawn_result_free(&res);
	return 0;
}

void run_note_row(struct run_state *st, size_t cell, const struct evb_row *row)
{
	struct run_cell *rc = &st->cells[cell];
	bool ok = !strcmp(row->status, EVB_STATUS_OK);
	double v = harness_headline_value(row);

	if (!strcmp(row->status, EVB_STATUS_FAILED))
		st->rows_failed++;
	else if (!strcmp(row->status, EVB_STATUS_TIMEOUT))
		st->rows_timeout++;
	if (row->rep >= 1 && row->rep <= st->max_reps)
		*run_pair(st, cell, (int)row->rep) = ok ? RUN_PAIR_OK : RUN_PAIR_NOT_OK;
	if (row->rep > rc->reps)
		rc->reps = (int)row->rep;
	if (ok && isfinite(v) && rc->nvalues < (size_t)st->max_reps + 1) {
		size_t i = rc->nvalues++;

		/* kept sorted, for the precision judgement */
		while (i > 0 && rc->values[i - 1] > v) {
			rc->values[i] = rc->values[i - 1];
			i--;
		}
		rc->values[i] = v;
	}
}

/*
 * $EVB_FAIL_WRITE=results.csv:N makes the Nth row written to results.csv
 * fail with ENOSPC: the tests' full disk where no tmpfs can be mounted.
 */
static int injected_failure(void)
{
	static long rows;
	const char *spec = getenv("EVB_FAIL_WRITE");
	char *end;
	long n;

	if (!spec || strncmp(spec, "results.csv:", 12))
		return 0;
	n = strtol(spec + 12, &end, 10);
	return !*end && ++rows >= n ? -ENOSPC : 0;
}

int run_cell_rep(struct run_state *st, size_t cell, int rep)
{
	const struct harness_cell *c = &st->plan.cells[cell];
	char driver[PATH_MAX], hist[PATH_MAX], slug[HARNESS_SLUG_MAX + 1];
	struct evb_row row;
	int64_t wall_ns;
	int ret;

	harness_driver_path(st->cell_family[cell], driver, sizeof(driver));
	if (c->hist && run_hist_rep_path(st, cell, rep, hist, sizeof(hist))) {
		run_fail(st, "histogram path too long (over %d bytes): %s", PATH_MAX - 1, hist);
		return -EIO;
	}
	run_log(st, "[%zu/%zu] rep %d:", st->done + 1, st->total, rep);
	ret = run_driver_once(st, driver, c, rep, c->hist ? hist : NULL, &row, &wall_ns);
	if (ret) {
		run_log(st, "interrupted: the run in progress was killed, no row for it\n");
		return ret;
	}
	if (st->opts->rounds)
		row.round = st->opts->round;
	st->cells[cell].wall_ns += wall_ns;
	st->cells[cell].runs++;
	if (c->hist && strcmp(row.status, EVB_STATUS_OK) && unlink(hist) && errno != ENOENT)
		run_log(st, "  (cannot remove %s: %s)\n", hist, strerror(errno));
	ret = injected_failure();
	if (!ret)
		ret = evb_row_write(st->results, &row);
	if (!ret && ferror(st->results))
		ret = -EIO;
	if (ret) {
		harness_cell_slug(&c->axes, slug, sizeof(slug));
		run_fail(st, "%s/results.csv: writing the row of %s rep %d: %s", st->run_dir, slug,
			 rep, strerror(-ret));
		return -EIO;
	}
	run_note_row(st, cell, &row);
	st->done++;
	run_log(st, "  -> %s%s%s (%.2f s)\n", row.status, row.reason[0] ? ": " : "", row.reason,
		(double)wall_ns / 1e9);
	if (st->log_errno) {
		run_fail(st, "%s/run.log: %s (after the row of rep %d of cell %zu)", st->run_dir,
			 strerror(st->log_errno), rep, cell + 1);
		return -EIO;
	}
	if (strcmp(row.status, EVB_STATUS_OK) && strcmp(row.status, EVB_STATUS_SKIPPED)) {
		fprintf(stderr, "%s%s: %s %s%s%s %s %s %s rep %d: %s\n", st->tty ? "\n" : "",
			row.status, row.family, row.mechanism, row.variant[0] ? "/" : "",
			row.variant, row.mode, row.ipc, row.placement, rep, row.reason);
	}
	return 0;
}
