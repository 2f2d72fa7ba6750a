/*
 * evb_sides.c - the order of a driver's run (evb_sides.h): watchdog, side
 * B, join, the one row.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "evb_sides.h"
#include "evb_sys.h"

int evb_sides_watch(struct evb_sides *s, struct evb_row *row)
{
	int ret = s->watch_from_process
		? evb_watchdog_start_process(&s->watchdog, s->end.opts->timeout_ns,
					     evb_driver_end_fire, &s->end)
		: evb_watchdog_start(&s->watchdog, s->end.opts->timeout_ns, evb_driver_end_fire,
				     &s->end);

	if (ret)
		return evb_driver_fail(s->end.opts, row, "watchdog %s: %s",
				       s->watch_from_process ? "process" : "thread", strerror(-ret));
	s->watching = true;
	return 0;
}

int evb_sides_start_b(struct evb_sides *s, enum evb_ipc ipc, int cpu, evb_peer_fn fn,
		      void *arg)
{
	int ret = evb_peer_start(&s->peer, ipc, cpu, fn, arg);

	s->b_started = ret == 0;
	return ret;
}

void evb_sides_unwatch(struct evb_sides *s)
{
	if (s->watching)
		evb_watchdog_stop(&s->watchdog);
	s->watching = false;
}

int evb_sides_join(struct evb_sides *s, bool a_failed)
{
	struct evb_side_errors *e = s->end.errors;
	int ret = 0;

	if (s->b_started) {
		char *reason = e ? e->peer_reason : NULL;

		ret = evb_peer_join(&s->peer, reason, e ? sizeof(e->peer_reason) : 0);
		s->b_started = false;
		if (e && ret && !a_failed && !evb_side_errors_any(e) && ret != -ECANCELED)
			evb_side_errors_set(e, EVB_SIDE_B, s->b_exit ? s->b_exit : "exit", ret);
	}
	evb_sides_unwatch(s);
	return ret;
}

int evb_sides_end(struct evb_sides *s, struct evb_row *row, bool failed,
		  void (*fill)(void *arg, struct evb_row *row), void *arg)
{
	if (strcmp(row->status, EVB_STATUS_OK) != 0) {
		/* decided by the caller */
	} else if ((s->end.errors && evb_side_errors_any(s->end.errors)) || failed) {
		evb_row_set(row, status, EVB_STATUS_FAILED);
		evb_driver_end_reason(&s->end, row, "failed");
	} else {
		fill(arg, row);
	}
	if (strcmp(row->status, EVB_STATUS_OK) != 0)
		fprintf(stderr, "%s: %s\n", s->end.opts->prog, row->reason);
	return evb_driver_end_emit(&s->end, row);
}

void evb_row_setup_failed(struct evb_row *row, int err, const char *why)
{
	if (err == -EMFILE || err == -ENFILE) {
		int64_t soft, hard;

		evb_nofile_get(&soft, &hard);
		evb_row_set(row, status, EVB_STATUS_SKIPPED);
		evb_row_reason(row, "%s (RLIMIT_NOFILE soft %lld, hard %lld)", why,
			       (long long)soft, (long long)hard);
	} else {
		evb_row_failed(row, "%s", why);
	}
}

void evb_row_failed(struct evb_row *row, const char *fmt, ...)
{
	char reason[sizeof(row->reason)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	evb_row_set(row, status, EVB_STATUS_FAILED);
	evb_row_reason(row, "%s", reason);
}
