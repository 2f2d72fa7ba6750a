/*
 * evb_row.h - the results.csv schema: one row per driver run.
 *
 * The column list below is the single definition of the schema; the header,
 * the writer, the parser and the tests all expand it.  Axis columns a family
 * does not use stay empty, as do figures a mode does not produce (a burst
 * has no percentiles).  Integers that are empty hold EVB_NA, doubles NAN.
 *
 * Columns added since the first schema (docs/design.md, "results.csv"):
 *   timers, timer_slack_ns, sched, load   axes of the timer family
 *   spurious                               events reported that were not made
 *                                          ready (mux verifies every call)
 *   rss_bytes_per_fd, slab_bytes_per_fd    memory cost of mux register
 *   early                                  timer wakeups before their deadline
 *                                          (negative lateness, kept in the
 *                                          percentiles and counted here)
 *   machine_cpu_ns                         CPU time of every CPU of the machine
 *                                          (/proc/stat, not idle) while the run
 *                                          measured: work done for us elsewhere
 *   vcsw_a_per_op, ivcsw_a_per_op          voluntary / involuntary context
 *   vcsw_b_per_op, ivcsw_b_per_op          switches per operation of side A
 *                                          (the measured side: waiter, loop)
 *                                          and side B (notifier, writer, load)
 *   cpus                                   the CPUs the placement chose, e.g.
 *                                          "1" or "1+0" (A+B); "" when free
 *   connections, depth, msg_size, work_ns,  axes of the serve family
 *   rate, arrival
 *   uring_setup                            axis of the io_uring mechanisms
 *                                          (serve, mux, timer): default, coop
 *                                          or defer (evb_uring.h); empty for
 *                                          every other mechanism
 *   offered_per_s                          serve: the request rate the load
 *                                          generator scheduled (open loop)
 *   server_cpu_ns, client_cpu_ns           serve: CPU of the whole server
 *                                          process (every thread, io_uring's
 *                                          workers too) and of the load
 *                                          generator while it measured
 *   slo_ns                                 axis of serve's capacity search: the
 *                                          p99 latency bound it keeps
 *   seed                                   serve: the Poisson schedule's seed
 *   client_threads                         serve: load generator threads
 *   send_lag_p50_ns, send_lag_p99_ns,      serve, open loop: how late requests
 *   send_lag_max_ns                        left (actual send - due time)
 *   capacity_per_s                         serve: the highest offered rate the
 *                                          capacity search found sustained
 *   blocked_writes, enobufs, cq_overflows  serve: the server's own troubles
 *                                          (a response waited for the socket,
 *                                          a multishot re-post after ENOBUFS,
 *                                          completions the CQ dropped)
 *   round                                  the boot of an interleaved kernel
 *                                          comparison (evbench vm --rounds:
 *                                          evbench run --round K/R) that ran
 *                                          this row; empty outside one
 *   cpu_a_ns, cpu_b_ns                     CPU time of side A's thread (the
 *                                          waiter, the loop) and of side B's
 *                                          (the notifier, the writer) over the
 *                                          measured window, from each thread's
 *                                          CPU clock (CLOCK_THREAD_CPUTIME_ID:
 *                                          exact, unlike /proc/stat's ticks);
 *                                          empty where a side did no work in it
 *   syscalls                               mux scan: system calls the samples'
 *                                          wait made (select, poll, epoll_wait,
 *                                          io_uring_enter), to check what a
 *                                          sample times against its label
 *   threads                                axis of mux scan: threads in the
 *                                          scanning process (1: nothing else
 *                                          shares its fd table; 2: one idle
 *                                          thread beside it)
 *   closed_rtt_ns                          serve, open loop: the closed round
 *                                          trip p50 the load generator
 *                                          measured first at the same
 *                                          placement, the floor of its
 *                                          send-lag bound
 *   cpu_distance                           how far apart the cpus are
 *                                          (evb_topology.h): same, smt, llc,
 *                                          package, socket, numa or unknown;
 *                                          "" when free or one side
 *   uring_flags                            io_uring mechanisms: the setup
 *                                          flags the kernel took for the
 *                                          run's ring (evb_uring.h), e.g.
 *                                          CQSIZE|CLAMP|SINGLE_ISSUER|
 *                                          DEFER_TASKRUN; "" otherwise
 *
 * Percentiles are written only where the samples support them: quantile q
 * needs at least 10 / (1 - q) samples (p50 20, p90 100, p99 1000, p999
 * 10000); below that the column is empty (evb_row_set_hist).
 */
#ifndef EVB_ROW_H
#define EVB_ROW_H

#include <stdint.h>
#include <stdio.h>

#include "evb_axes.h"
#include "evb_hist.h"
#include "evb_sys.h"

#define EVB_NA INT64_MIN
#define EVB_ROW_STR 96
#define EVB_ROW_REASON 512

/*
 * X(kind, name): kind is STR, REASON (a long string), I64 or F64.  run_id
 * is a long string too: a run directory's name (up to NAME_MAX).  The axis
 * columns, family .. load, come from evb_axes.h in its order.
 */
#define EVB_ROW_COLUMNS(X)                                                    \
	X(REASON, run_id) EVB_AXES_COLUMNS(X) X(I64, rep)                        \
	X(STR, status) X(REASON, reason) X(STR, metric) X(STR, unit)          \
	X(I64, samples) X(I64, min) X(I64, p50) X(I64, p90) X(I64, p99)       \
	X(I64, p999) X(I64, max) X(F64, mean) X(F64, stddev)                  \
	X(F64, ops_per_s) X(I64, sent) X(I64, delivered) X(I64, lost)         \
	X(I64, spurious) X(I64, wakeups) X(I64, overruns) X(I64, early)       \
	X(I64, wall_ns) X(I64, cpu_user_ns)                                   \
	X(I64, cpu_sys_ns) X(I64, max_rss_kb) X(I64, clock_overhead_ns)       \
	X(F64, rss_bytes_per_fd) X(F64, slab_bytes_per_fd)                    \
	X(I64, machine_cpu_ns) X(F64, vcsw_a_per_op) X(F64, ivcsw_a_per_op)  \
	X(F64, vcsw_b_per_op) X(F64, ivcsw_b_per_op) X(STR, cpus)            \
	X(F64, offered_per_s) X(I64, server_cpu_ns) X(I64, client_cpu_ns)   \
	X(I64, seed) X(I64, client_threads) X(I64, send_lag_p50_ns)          \
	X(I64, send_lag_p99_ns) X(I64, send_lag_max_ns) X(F64, capacity_per_s) \
	X(I64, blocked_writes) X(I64, enobufs) X(I64, cq_overflows)          \
	X(I64, round) X(I64, cpu_a_ns) X(I64, cpu_b_ns) X(I64, syscalls)      \
	X(I64, closed_rtt_ns) X(STR, cpu_distance) X(STR, uring_flags)

#define EVB_ROW_FIELD_STR(name) char name[EVB_ROW_STR];
#define EVB_ROW_FIELD_REASON(name) char name[EVB_ROW_REASON];
#define EVB_ROW_FIELD_I64(name) int64_t name;
#define EVB_ROW_FIELD_F64(name) double name;
#define EVB_ROW_FIELD(kind, name) EVB_ROW_FIELD_##kind(name)

struct evb_row {
	EVB_ROW_COLUMNS(EVB_ROW_FIELD)
};

#define EVB_ROW_COUNT_ONE(kind, name) +1
enum { EVB_ROW_NCOLS = 0 EVB_ROW_COLUMNS(EVB_ROW_COUNT_ONE) };

extern const char *const evb_row_column_names[];   /* EVB_ROW_NCOLS, then NULL */

/*
 * Axis i of a row as results.csv writes it: the string, or the integer in
 * buf ("" for EVB_NA).  Returns the string or buf.
 */
const char *evb_axis_value(const struct evb_row *row, enum evb_axis_index i, char *buf,
			   size_t len);

/* Statuses, as written. */
#define EVB_STATUS_OK "ok"
#define EVB_STATUS_SKIPPED "skipped"
#define EVB_STATUS_FAILED "failed"
#define EVB_STATUS_TIMEOUT "timeout"

/* Empty strings, EVB_NA integers, NAN doubles. */
void evb_row_init(struct evb_row *row);

/* Copy a string into a row field, truncating; snprintf-style for reason. */
#define evb_row_set(row, field, text) \
	evb_strlcpy((row)->field, (text), sizeof((row)->field))
/* Format the reason; line breaks in it become spaces. */
void evb_row_reason(struct evb_row *row, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Samples quantile q needs before it is written: 10 / (1 - q). */
int64_t evb_row_samples_for(double q);
/* The histogram's quantile q, or EVB_NA when it has too few samples. */
int64_t evb_row_quantile(const struct evb_hist *h, double q);

/* Fill samples, min..max, mean, stddev from a histogram (latency metrics);
 * each percentile only where the samples support it (above). */
void evb_row_set_hist(struct evb_row *row, const struct evb_hist *h);
/*
 * The same for a metric whose samples may be negative (timer lateness):
 * all holds every sample, early the magnitudes of the negative ones (see
 * evb_hist_quantile_early).  min and the percentiles include them; the
 * early column counts them.
 */
void evb_row_set_hist_early(struct evb_row *row, const struct evb_hist *all,
			    const struct evb_hist *early);

/*
 * A row is ok only when its counts check out (docs/design.md, "Driver contract").
 * evb_row_count_fail marks the row failed with a reason naming the count
 * ("lost 3 of 100000 sent"); a row that already failed keeps its first
 * reason.  Returns -EPROTO.
 */
int evb_row_count_fail(struct evb_row *row, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* What a mechanism may do to its counts without failing the row. */
enum {
	EVB_MAY_LOSE = 1 << 0,       /* lost > 0 is data: the mechanism merges */
	EVB_MAY_SPURIOUS = 1 << 1,   /* a wait may return with nothing to take */
};

/*
 * The checks every filled row gets, on the columns that are set (EVB_NA
 * columns are not checked): delivered <= sent; lost == sent - delivered;
 * lost == 0 unless allowed has EVB_MAY_LOSE; spurious == 0 unless
 * EVB_MAY_SPURIOUS.  0, or -EPROTO with the row failed (evb_row_count_fail).
 */
int evb_row_check_counts(struct evb_row *row, unsigned allowed);

/* Write the header line / one row, then fflush.  0 or -errno. */
int evb_row_write_header(FILE *out);
int evb_row_write(FILE *out, const struct evb_row *row);

/*
 * Fill row from a record in schema order (EVB_ROW_NCOLS fields).  Returns 0,
 * or -EINVAL with error naming the column and the text that is wrong.
 */
int evb_row_parse(struct evb_row *row, char *const *fields, size_t nfields,
		  char *error, size_t error_len);

/* Same, for a record whose columns are named by header (any order). */
int evb_row_parse_named(struct evb_row *row, char *const *header, char *const *fields,
			size_t nfields, char *error, size_t error_len);

#endif
