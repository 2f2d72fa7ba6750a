/*
 * run_sentinel.c - fixed, cheap cells measured again and again while the
 * run lasts, so that a reader can see how much the machine itself moved.
 * The cells are the first family's that declares them (struct
 * harness_family sentinel): one on one CPU, one across two CPUs (a
 * skipped row with its reason on a machine with one).  Both run, one after
 * the other, at the start of every round and every ~30 s, and their rows
 * go to RUN/sentinel.csv (results.csv's schema; placement tells them
 * apart, rep is the sentinels' sequence number), never into results.csv.  `evbench compare` reads it to
 * say how far the two machines' states were apart.  A sentinel that fails
 * is a row like any other and does not stop the run.
 *
 * A sentinel is a child like any driver run: --timeout-scale and
 * --max-timeout bound it too.  One whose row is failed or timed out twice
 * is dropped for the rest of the run (a broken or hanging sentinel would
 * otherwise cost its timeout every ~30 s): run.log and stderr say so when
 * it happens, env.csv's run_sentinel_dropped says which and why, and the
 * report repeats it.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evb_clock.h"
#include "evb_csv.h"
#include "evb_sb.h"
#include "evb_text.h"
#include "harness.h"
#include "run.h"
#include "rundir_fs.h"

#define SENTINEL_EVERY_NS (30 * EVB_NSEC_PER_SEC)
#define SENTINEL_MAX_FAILURES 2     /* failed or timed-out rows before it is dropped */

/* Highest rep in an existing sentinel.csv (a resumed run continues it). */
static int last_seq(const char *path)
{
	struct evb_table t;
	int col, seq = 0;

	if (evb_table_load(&t, path))
		return 0;
	col = evb_table_col(&t, "rep");
	for (size_t r = 0; r < t.nrows; r++) {
		const char *text = evb_table_get(&t, r, col);
		char *end;
		long v = strtol(text, &end, 10);

		if (*text && !*end && v > seq && v < INT_MAX)
			seq = (int)v;
	}
	evb_table_free(&t);
	return seq;
}

/* The first family that declares a sentinel cell, or NULL. */
static const struct harness_family *sentinel_family(void)
{
	for (size_t i = 0; i < harness_nfamilies; i++)
		if (harness_families[i]->sentinel)
			return harness_families[i];
	return NULL;
}

int run_sentinel_open(struct run_state *st)
{
	struct run_sentinel *s = &st->sentinel;
	const struct harness_family *family = sentinel_family();
	char path[PATH_MAX], error[PATH_MAX + 200];
	bool exists;
	int dirfd;

	if (family) {
		family->sentinel(s->cell);
		for (int i = 0; i < HARNESS_NSENTINELS; i++)
			run_cell_timeout(st->opts, &s->cell[i]);
	}
	s->available = family && harness_driver_path(family, s->driver, sizeof(s->driver)) == 0;
	if (!s->available)
		return 0;
	if (evb_fmt(path, sizeof(path), "%s/sentinel.csv", st->run_dir)) {
		run_fail(st, "%s/sentinel.csv: too long a path", st->run_dir);
		return -ENAMETOOLONG;
	}
	exists = faccessat(AT_FDCWD, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
	s->seq = exists ? last_seq(path) : 0;
	dirfd = harness_rundir_open(st->run_dir, error, sizeof(error));
	s->out = dirfd < 0 ? NULL
			   : harness_rundir_fopen(dirfd, "sentinel.csv",
						  O_WRONLY | O_CREAT | O_APPEND, error,
						  sizeof(error));
	if (dirfd >= 0)
		close(dirfd);
	if (!s->out) {
		run_fail(st, "%s: %s", st->run_dir, error);
		return -EIO;
	}
	if (!exists && evb_row_write_header(s->out)) {
		run_fail(st, "%s: %s", path, strerror(errno));
		return -EIO;
	}
	return 0;
}

/* A failed or timed-out row counts against sentinel i; the second drops it. */
static void note_failure(struct run_state *st, int i, const struct evb_row *row)
{
	struct run_sentinel *s = &st->sentinel;
	char why[sizeof(s->dropped[i])];

	if (!strcmp(row->status, EVB_STATUS_OK) || !strcmp(row->status, EVB_STATUS_SKIPPED) ||
	    ++s->failures[i] < SENTINEL_MAX_FAILURES)
		return;
	evb_sb_fmt(why, sizeof(why), "%s %s %d times (last: %.120s)", s->cell[i].axes.placement,
		 !strcmp(row->status, EVB_STATUS_TIMEOUT) ? "timed out" : "failed",
		 s->failures[i], row->reason);
	evb_printable(why);
	evb_strlcpy(s->dropped[i], why, sizeof(s->dropped[i]));
	if (i == 0)
		s->last_value = NAN;   /* the progress line no longer shows it */
	run_log(st, "sentinel dropped for the rest of the run: %s\n", s->dropped[i]);
	fprintf(stderr, "%s run: warning: sentinel dropped for the rest of the run: %s\n",
		HARNESS_PROG, s->dropped[i]);
}

/* One sentinel cell measured, its row written to sentinel.csv. */
static int sentinel_once(struct run_state *st, int i)
{
	struct run_sentinel *s = &st->sentinel;
	struct evb_row row;
	int64_t wall_ns;
	int ret;

	run_log(st, "sentinel %d %s:", s->seq, s->cell[i].axes.placement);
	ret = run_driver_once(st, s->driver, &s->cell[i], s->seq, NULL, &row, &wall_ns);
	if (ret)
		return ret;
	if (i == 0)
		s->last_value = strcmp(row.status, EVB_STATUS_OK) || row.p50 == EVB_NA
					? NAN : (double)row.p50;
	ret = evb_row_write(s->out, &row);
	if (!ret && ferror(s->out))
		ret = -EIO;
	if (ret) {
		run_fail(st, "%s/sentinel.csv: writing sentinel %d: %s", st->run_dir, s->seq,
			 strerror(-ret));
		return -EIO;
	}
	run_log(st, "  -> %s%s%s\n", row.status, row.reason[0] ? ": " : "", row.reason);
	note_failure(st, i, &row);
	return 0;
}

int run_sentinel_tick(struct run_state *st, bool force)
{
	struct run_sentinel *s = &st->sentinel;
	int64_t now = evb_now_ns();
	int ret = 0;

	if (!s->available || st->failed || st->interrupted)
		return st->failed ? -EIO : st->interrupted ? -EINTR : 0;
	if (!force && s->seq > 0 && now - s->last_ns < SENTINEL_EVERY_NS)
		return 0;
	s->last_ns = now;
	if (run_sentinel_dropped(s, NULL, 0) == HARNESS_NSENTINELS)
		return 0;
	s->seq++;
	for (int i = 0; !ret && i < HARNESS_NSENTINELS; i++)
		if (!s->dropped[i][0])
			ret = sentinel_once(st, i);
	return ret;
}

int run_sentinel_dropped(const struct run_sentinel *s, char *buf, size_t len)
{
	int n = 0;

	if (buf && len)
		buf[0] = '\0';
	for (int i = 0; i < HARNESS_NSENTINELS; i++) {
		if (!s->dropped[i][0])
			continue;
		if (buf) {
			size_t used = strlen(buf);

			snprintf(buf + used, len - used, "%s%s", n ? "; " : "", s->dropped[i]);
		}
		n++;
	}
	return n;
}

void run_sentinel_close(struct run_state *st)
{
	struct run_sentinel *s = &st->sentinel;

	if (s->out && fclose(s->out) && !st->failed)
		run_fail(st, "%s/sentinel.csv: %s", st->run_dir, strerror(errno));
	s->out = NULL;
}
