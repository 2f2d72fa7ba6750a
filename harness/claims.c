/*
 * claims.c - the claims the design document quotes, each beside what this
 * run measured, with a plain verdict: holds, does not hold, or not
 * measured here.  Each claim states the test it was put to, so a reader
 * can disagree with the test rather than with a number.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "figures.h"
#include "report.h"

#define HOLDS "holds"
#define FAILS "does not hold"
#define NOT_MEASURED "not measured here"

struct claim_row {
	char claim[400];
	char measured[700];
	char verdict[200];
};

static void emit(struct doc *d, const struct claim_row *c)
{
	const char *row[] = { c->claim, c->measured, c->verdict };

	doc_row(d, row);
}

static double notify_value(const struct evb_table *s, const char *mech, const char *variant,
			   const char *mode, const char *ipc, const char *placement,
			   const char *column)
{
	const char *const kv[] = { "family", "notify", "mechanism", mech, "variant", variant,
				   "mode", mode, "ipc", ipc, "placement", placement, NULL };

	return report_value(s, kv, column);
}

/* Round trip between two threads on one CPU: the purest kernel path. */
static double rtt(const struct evb_table *s, const char *mech, const char *variant)
{
	return notify_value(s, mech, variant, "pingpong", "thread", "same-cpu", "p50_median");
}

/* Signals against eventfd: latency. */
static void claim_signal_latency(const struct evb_table *s, struct claim_row *c)
{
	double handler = rtt(s, "signal-handler", "std"), sigwait = rtt(s, "sigwaitinfo", "std");
	double efd = rtt(s, "eventfd", "counter");
	char a[32], b[32], e[32];

	snprintf(c->claim, sizeof(c->claim), "Signals: high latency; eventfd: low latency. "
		 "(Test: round-trip p50 between two threads on one CPU; \"high\" = at least "
		 "1.2x eventfd's.)");
	report_fmt_ns(a, 32, handler);
	report_fmt_ns(b, 32, sigwait);
	report_fmt_ns(e, 32, efd);
	snprintf(c->measured, sizeof(c->measured), "signal-handler %s, sigwaitinfo %s, "
		 "eventfd %s", a, b, e);
	if (!isfinite(handler) || !isfinite(sigwait) || !isfinite(efd)) {
		snprintf(c->verdict, sizeof(c->verdict), NOT_MEASURED);
		return;
	}
	snprintf(c->verdict, sizeof(c->verdict), "%s: signal-handler %.2fx, sigwaitinfo %.2fx "
		 "eventfd's", handler >= 1.2 * efd && sigwait >= 1.2 * efd ? HOLDS : FAILS,
		 handler / efd, sigwait / efd);
}

static void claim_signalfd_latency(const struct evb_table *s, struct claim_row *c)
{
	double sigfd = rtt(s, "signalfd", "std"), efd = rtt(s, "eventfd", "counter");
	double handler = rtt(s, "signal-handler", "std");
	char a[32], e[32], h[32];

	snprintf(c->claim, sizeof(c->claim), "signalfd: low latency. (Test: same round trip; "
		 "\"low\" = within 1.2x of eventfd's.)");
	report_fmt_ns(a, 32, sigfd);
	report_fmt_ns(e, 32, efd);
	report_fmt_ns(h, 32, handler);
	snprintf(c->measured, sizeof(c->measured), "signalfd %s, eventfd %s, signal-handler %s",
		 a, e, h);
	if (!isfinite(sigfd) || !isfinite(efd)) {
		snprintf(c->verdict, sizeof(c->verdict), NOT_MEASURED);
		return;
	}
	snprintf(c->verdict, sizeof(c->verdict), "%s: %.2fx eventfd's%s",
		 sigfd <= 1.2 * efd ? HOLDS : FAILS, sigfd / efd,
		 isfinite(handler) && sigfd < handler ? ", but below a signal handler's" : "");
}

/* Signals against eventfd: throughput (burst, threads on two CPUs). */
static void claim_signal_throughput(const struct evb_table *s, struct claim_row *c)
{
	double handler = notify_value(s, "signal-handler", "rt", "burst", "thread", "cross-cpu",
				      "ops_per_s_median");
	double sigfd = notify_value(s, "signalfd", "rt", "burst", "thread", "cross-cpu",
				    "ops_per_s_median");
	double efd = notify_value(s, "eventfd", "semaphore", "burst", "thread", "cross-cpu",
				  "ops_per_s_median");
	char a[32], f[32], e[32];

	snprintf(c->claim, sizeof(c->claim), "Signals: low throughput; eventfd: high "
		 "throughput; signalfd: medium throughput. (Test: burst, delivered per second "
		 "between threads on two CPUs, queued variants so nothing merges: signal-handler/rt, "
		 "signalfd/rt, eventfd/semaphore; \"low\" = at most half of eventfd's, "
		 "\"medium\" = between the two.)");
	report_fmt_rate(a, 32, handler);
	report_fmt_rate(f, 32, sigfd);
	report_fmt_rate(e, 32, efd);
	snprintf(c->measured, sizeof(c->measured), "signal-handler %s, signalfd %s, eventfd %s",
		 a, f, e);
	if (!isfinite(handler) || !isfinite(sigfd) || !isfinite(efd)) {
		snprintf(c->verdict, sizeof(c->verdict), NOT_MEASURED);
		return;
	}
	int low = handler <= 0.5 * efd;
	int medium = sigfd > handler && sigfd < efd;

	snprintf(c->verdict, sizeof(c->verdict), "%s: signal-handler %.2fx, signalfd %.2fx "
		 "eventfd", low && medium ? HOLDS : FAILS, handler / efd, sigfd / efd);
}

/* Lateness p50 at 1 ms, default slack, SCHED_OTHER, no load, waiter pinned. */
static double lateness_1ms(const struct evb_table *s, const char *mech, const char *variant)
{
	const char *const kv[] = { "family", "timer", "mechanism", mech, "variant", variant,
				   "placement", "same-cpu", "period_ns", "1000000",
				   "timer_slack_ns", "", "sched", "other", "load", "none", NULL };

	return report_value(s, kv, "p50_median");
}

static void claim_timerfd(const struct evb_table *s, struct claim_row *c)
{
	double tfd = lateness_1ms(s, "timerfd", "abs");
	double sleep = lateness_1ms(s, "clock-nanosleep", "abs");
	char a[32], b[32];

	snprintf(c->claim, sizeof(c->claim), "timerfd: low latency, medium throughput. (Test: "
		 "lateness p50 of a periodic 1 ms timerfd against clock_nanosleep(TIMER_ABSTIME), "
		 "the cyclictest way, default timer slack; \"low\" = within 1.2x. Timer "
		 "throughput is not a quantity evbench measures.)");
	report_fmt_ns(a, 32, tfd);
	report_fmt_ns(b, 32, sleep);
	snprintf(c->measured, sizeof(c->measured), "timerfd %s late, clock_nanosleep %s late",
		 a, b);
	if (!isfinite(tfd) || !isfinite(sleep)) {
		snprintf(c->verdict, sizeof(c->verdict), NOT_MEASURED);
		return;
	}
	snprintf(c->verdict, sizeof(c->verdict), "%s for latency (%.2fx clock_nanosleep's); "
		 "throughput not measured here", tfd <= 1.2 * sleep ? HOLDS : FAILS, tfd / sleep);
}

static void claim_production(const struct evb_table *s, struct claim_row *c)
{
	double counter = notify_value(s, "eventfd", "counter", "pingpong", "thread", "cross-cpu",
				      "p50_median");
	double epoll = notify_value(s, "eventfd", "epoll", "pingpong", "thread", "cross-cpu",
				    "p50_median");
	char a[32], b[32];

	snprintf(c->claim, sizeof(c->claim), "\"eventfd + epoll is what production uses.\"");
	report_fmt_ns(a, 32, counter);
	report_fmt_ns(b, 32, epoll);
	snprintf(c->measured, sizeof(c->measured), "a statement of practice, not of speed; "
		 "what it costs: round trip across two CPUs with a blocking read %s, with "
		 "epoll_wait + read %s", a, b);
	if (isfinite(counter) && isfinite(epoll))
		snprintf(c->verdict, sizeof(c->verdict), "not measurable; epoll adds %+.0f%% here",
			 100.0 * (epoll / counter - 1.0));
	else
		snprintf(c->verdict, sizeof(c->verdict), NOT_MEASURED);
}

static void claim_kill_100k(const struct evb_table *s, struct claim_row *c)
{
	double std_sent = notify_value(s, "signal-handler", "std", "burst", "process", "free",
				       "sent_median");
	double std_got = notify_value(s, "signal-handler", "std", "burst", "process", "free",
				      "delivered_median");
	double rt_sent = notify_value(s, "signal-handler", "rt", "burst", "process", "free",
				      "sent_median");
	double rt_got = notify_value(s, "signal-handler", "rt", "burst", "process", "free",
				     "delivered_median");

	snprintf(c->claim, sizeof(c->claim), "A sender that kill()s SIGUSR1 100,000 times and a "
		 "receiver that counts them: standard signals coalesce (far fewer delivered); "
		 "real-time signals queue. (Test: burst between processes, placement free, "
		 "signal handler counting.)");
	snprintf(c->measured, sizeof(c->measured), "SIGUSR1: %.0f of %.0f delivered (%.1f%%); "
		 "SIGRTMIN via sigqueue: %.0f of %.0f", std_got, std_sent,
		 100.0 * std_got / std_sent, rt_got, rt_sent);
	if (!isfinite(std_sent) || !isfinite(rt_sent)) {
		snprintf(c->measured, sizeof(c->measured), "-");
		snprintf(c->verdict, sizeof(c->verdict), NOT_MEASURED);
		return;
	}
	snprintf(c->verdict, sizeof(c->verdict), "%s",
		 std_got < std_sent && rt_got == rt_sent ? HOLDS : FAILS);
}

/* A mux scan p50 (active = 1) of mechanism/variant at nfds; NAN when absent. */
static double scan_p50(const struct evb_table *s, const char *mech, const char *variant,
		       const char *nfds, const char *active)
{
	for (size_t r = 0; r < s->nrows; r++) {
		if (strcmp(harness_str(s, r, "family"), "mux") ||
		    strcmp(harness_str(s, r, "mode"), "scan") ||
		    strcmp(harness_str(s, r, "mechanism"), mech) ||
		    (variant && strcmp(harness_str(s, r, "variant"), variant)) ||
		    strcmp(harness_str(s, r, "nfds"), nfds) ||
		    (active && strcmp(harness_str(s, r, "active"), active)) ||
		    strcmp(harness_str(s, r, "status"), "ok"))
			continue;
		return harness_num(s, r, "p50_median");
	}
	return NAN;
}

static void claim_scaling(const struct evb_table *s, struct claim_row *c)
{
	double poll1k = scan_p50(s, "poll", NULL, "1000", "1");
	double poll10k = scan_p50(s, "poll", NULL, "10000", "1");
	double ep1k = scan_p50(s, "epoll", "lt", "1000", "1");
	double ep10k = scan_p50(s, "epoll", "lt", "10000", "1");
	char a[32], b[32], e[32], f[32];

	snprintf(c->claim, sizeof(c->claim), "select/poll scan O(n); epoll O(1) in registered "
		 "fds. (Test: one wait call with timeout 0, 1 fd ready, at 1,000 and 10,000 "
		 "registered fds: O(n) = at least 5x more time for 10x the fds, O(1) = at most "
		 "1.5x.)");
	report_fmt_ns(a, 32, poll1k);
	report_fmt_ns(b, 32, poll10k);
	report_fmt_ns(e, 32, ep1k);
	report_fmt_ns(f, 32, ep10k);
	snprintf(c->measured, sizeof(c->measured), "poll %s -> %s; epoll %s -> %s", a, b, e, f);
	if (!isfinite(poll1k) || !isfinite(poll10k) || !isfinite(ep1k) || !isfinite(ep10k)) {
		snprintf(c->verdict, sizeof(c->verdict), NOT_MEASURED);
		return;
	}
	int holds = poll10k / poll1k >= 5.0 && ep10k / ep1k <= 1.5;

	snprintf(c->verdict, sizeof(c->verdict), "%s: poll x%.1f, epoll x%.2f; poll/epoll at "
		 "10,000 fds = %.0fx", holds ? HOLDS : FAILS, poll10k / poll1k, ep10k / ep1k,
		 poll10k / ep10k);
}

void report_claims(const struct report_ctx *ctx)
{
	struct doc *d = ctx->doc;
	const struct evb_table *s = ctx->summary;
	const char *const heads[] = { "claim", "measured here", "verdict" };
	struct claim_row c;

	doc_h(d, 2, "Claims put to the test");
	doc_p(d, "Each claim quoted by the design document, the test it was put to, what this "
	      "machine measured (medians over repetitions) and a verdict. A verdict is only as "
	      "good as its test: the thresholds are stated so you can disagree with them.");
	doc_table(d, 3, heads);
	claim_signal_latency(s, &c);
	emit(d, &c);
	claim_signalfd_latency(s, &c);
	emit(d, &c);
	claim_signal_throughput(s, &c);
	emit(d, &c);
	claim_timerfd(s, &c);
	emit(d, &c);
	claim_production(s, &c);
	emit(d, &c);
	claim_kill_100k(s, &c);
	emit(d, &c);
	claim_scaling(s, &c);
	emit(d, &c);
	doc_table_end(d);
}
