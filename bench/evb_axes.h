/*
 * evb_axes.h - the axes of a cell, in one list.
 *
 * A cell is one point of the space family x mechanism x variant x mode x
 * the axes below (docs/design.md, "Driver contract").  Everything that names the
 * axes expands this list: the axis columns of results.csv (evb_row.h, in
 * this order between run_id and rep), summary.csv's cell key and plan.csv
 * (harness_axis_columns), a cell's slug (hist/<slug>.csv), the driver
 * command line the harness builds (harness_cell_argv), a claim's cell
 * (struct claim_cell) and a cell's label in compare, the report and the
 * claims (evb_axes_label).
 *
 * A new axis is one line here, plus the driver option that reads it.
 *
 * M(X, kind, name, flag, slug, label):
 *   kind   STR or I64: the row field (empty: "" or EVB_NA)
 *   name   the results.csv column and struct evb_row field
 *   flag   the driver option it is passed with: "--fd-type" gives
 *          "--fd-type VALUE", a flag ending in '=' gives "--load=VALUE";
 *          NULL: never passed (the family picks the driver); an empty
 *          value is not passed either
 *   slug   what precedes the value in a slug: "n" gives "n64"
 *   label  what precedes the value in a label: "nfds=" gives "nfds=64";
 *          "/" joins it to the previous word ("epoll/lt")
 * EVB_AXES(X) calls X(kind, name, flag, slug, label) for each axis.
 */
#ifndef EVB_AXES_H
#define EVB_AXES_H

#include <stddef.h>

#define EVB_AXES_WITH(M, X)                                                   \
	M(X, STR, family, NULL, "", "")                                       \
	M(X, STR, mechanism, "--mechanism", "", "")                           \
	M(X, STR, variant, "--variant", "", "/")                              \
	M(X, STR, mode, "--mode", "", "")                                     \
	M(X, STR, ipc, "--ipc", "", "")                                       \
	M(X, STR, placement, "--placement", "", "")                           \
	M(X, STR, fd_type, "--fd-type", "", "")                               \
	M(X, I64, nfds, "--nfds", "n", "nfds=")                               \
	M(X, I64, active, "--active", "a", "active=")                         \
	M(X, I64, period_ns, "--period-ns", "p", "period_ns=")                \
	M(X, I64, timers, "--timers", "t", "timers=")                         \
	M(X, I64, timer_slack_ns, "--timer-slack", "s", "timer_slack_ns=")    \
	M(X, STR, sched, "--sched", "", "")                                   \
	M(X, STR, load, "--load=", "", "load=")                               \
	M(X, I64, connections, "--connections", "c", "connections=")          \
	M(X, I64, depth, "--depth", "d", "depth=")                            \
	M(X, I64, msg_size, "--msg-size", "m", "msg_size=")                   \
	M(X, I64, work_ns, "--work-ns", "w", "work_ns=")                      \
	M(X, STR, rate, "--rate", "r", "rate=")                               \
	M(X, STR, arrival, "--arrival", "", "")                               \
	M(X, STR, uring_setup, "--uring-setup", "setup-", "uring_setup=")     \
	M(X, I64, slo_ns, "--slo-ns", "slo", "slo_ns=")                       \
	M(X, I64, threads, "--threads", "th", "threads=")

#define EVB_AXES_CALL(X, kind, name, flag, slug, label) X(kind, name, flag, slug, label)
#define EVB_AXES(X) EVB_AXES_WITH(EVB_AXES_CALL, X)

/* For EVB_ROW_COLUMNS: the axes as X(kind, name) columns. */
#define EVB_AXES_COLUMN(X, kind, name, flag, slug, label) X(kind, name)
#define EVB_AXES_COLUMNS(X) EVB_AXES_WITH(EVB_AXES_COLUMN, X)

#define EVB_AXES_INDEX(kind, name, flag, slug, label) EVB_AXIS_##name,
enum evb_axis_index { EVB_AXES(EVB_AXES_INDEX) EVB_NAXES };
#undef EVB_AXES_INDEX

/* One axis, as the list above describes it. */
struct evb_axis {
	const char *name;
	const char *flag;
	const char *slug;
	const char *label;
};

extern const struct evb_axis evb_axes[];   /* EVB_NAXES, in column order */

/*
 * A cell's label from its axis values (values[i] for axis i, "" for empty):
 * the non-empty ones joined by spaces, each after its label prefix, e.g.
 * "mux epoll/lt scan thread same-cpu pipe nfds=64 active=1".  The axis
 * values of a row: evb_axis_value (evb_row.h).
 */
void evb_axes_label(const char *const *values, char *buf, size_t len);

/* "mechanism/variant", or "mechanism" without a variant, into buf; buf. */
const char *evb_mech_label(char *buf, size_t len, const char *mechanism, const char *variant);

#endif
