/*
 * report_serve.h - what the serve family's report files share
 * (report_serve.c: the section and its tables; report_serve_seed.c: the
 * published server table and the saturation table; report_serve_capacity.c:
 * the latency-throughput curve and the capacity search).
 */
#ifndef HARNESS_REPORT_SERVE_H
#define HARNESS_REPORT_SERVE_H

#include <stdbool.h>
#include <stddef.h>

#include "report.h"

/* evb-serve's reason for an ok row whose load generator was the bottleneck. */
#define SERVE_CLIENT_BOUND "client-bound"
#define SERVE_KV_MAX 64

/* Summary row r is a serve cell (of mode, when not NULL). */
bool serve_row(const struct evb_table *s, size_t r, const char *mode);
/* kv (SERVE_KV_MAX) naming every axis of summary row r, for report_cell. */
void serve_row_kv(const struct evb_table *s, size_t r, const char **kv);
/* report_cell of summary row r. */
double serve_value(const struct report_ctx *ctx, struct report_trust *t, size_t r,
		   const char *column);
/* The p99 of summary row r: pooled over every ok repetition's samples where
 * the summary has it, else the median of the repetitions' p99. */
double serve_p99(const struct report_ctx *ctx, struct report_trust *t, size_t r);
/*
 * evb-serve's reason for an ok open-loop row whose requests left late (send
 * lag p99 past its bound): the client's schedule, not the server, made part
 * of the latency.  Shown like client-bound, judged by nothing.
 */
#define SERVE_CLIENT_LAGGED "client-lagged"
/* The most repetitions a serve table reads per cell (a run takes <= 1000). */
#define SERVE_REPS_MAX 1000

/* The results.csv rows of summary row r's ok repetitions, at most max of
 * them into rows; how many there are. */
size_t serve_ok_reps(const struct report_ctx *ctx, size_t r, size_t *rows, size_t max);
/* results.csv row's reason starts with prefix. */
bool serve_reason_is(const struct report_ctx *ctx, size_t row, const char *prefix);
/* Ok repetitions of summary row r (*ok) and how many of them were client-bound. */
size_t serve_client_bound(const struct report_ctx *ctx, size_t r, size_t *ok);
/* A cell that did not run: "skipped: fd limit", "skipped: FD_SETSIZE" or its status. */
void serve_status_text(const struct evb_table *s, size_t r, char *buf, size_t len);

/* report_serve_trouble.c: under a table of mode's cells (NULL: every
 * mode), a line per cell whose ok repetitions counted blocked writes,
 * ENOBUFS re-posts or CQ overflows. */
void serve_trouble_note(const struct report_ctx *ctx, const char *mode);

/* report_serve_seed.c */
void report_serve_seed(const struct report_ctx *ctx);
void report_serve_saturation(const struct report_ctx *ctx);

/* report_serve_capacity.c: the latency-throughput curve's table and the
 * capacity table. */
void report_serve_curve(const struct report_ctx *ctx);
/* Summary row r is one of the curve's steps (its table shows it). */
bool serve_curve_step(const struct evb_table *s, size_t r);
void report_serve_capacity(const struct report_ctx *ctx);

#endif
