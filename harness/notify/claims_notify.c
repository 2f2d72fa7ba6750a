/*
 * claims_notify.c - the notification claims: signals against eventfd and
 * signalfd (latency, throughput), eventfd + epoll in production, and the
 * kill() 100,000 times experiment.  Every cell names every axis; the
 * notify family leaves fd_type .. load empty.
 */
#include <stdio.h>

#include "claims.h"
#include "family.h"

#define NOTIFY(mech, var, mode_, ipc_, where) \
	{ .family = "notify", .mechanism = mech, .variant = var, .mode = mode_, \
	  .ipc = ipc_, .placement = where }
/* Round trip between two threads on one CPU: the purest kernel path. */
#define RTT(mech, var) NOTIFY(mech, var, "pingpong", "thread", "same-cpu")
/* Burst between threads on two CPUs: delivered per second. */
#define BURST(mech, var) NOTIFY(mech, var, "burst", "thread", "cross-cpu")

static const struct claim_test signal_latency_tests[] = {
	{ .what = "round trip p50, signal-handler/std / eventfd/counter", .figure = "p50",
	  .num = RTT("signal-handler", "std"), .den = RTT("eventfd", "counter"),
	  .side = CLAIM_AT_LEAST, .threshold = 1.2 },
	{ .what = "round trip p50, sigwaitinfo/std / eventfd/counter", .figure = "p50",
	  .num = RTT("sigwaitinfo", "std"), .den = RTT("eventfd", "counter"),
	  .side = CLAIM_AT_LEAST, .threshold = 1.2 },
};

static const struct claim signal_latency = {
	.text = "Signals: high latency; eventfd: low latency.",
	.test = "round-trip p50 between two threads on one CPU; \"high\" = at least 1.2x "
		"eventfd's",
	.tests = signal_latency_tests,
	.ntests = CLAIM_COUNT(signal_latency_tests),
};

static const struct claim_test signalfd_latency_tests[] = {
	{ .what = "round trip p50, signalfd/std / eventfd/counter", .figure = "p50",
	  .num = RTT("signalfd", "std"), .den = RTT("eventfd", "counter"),
	  .side = CLAIM_AT_MOST, .threshold = 1.2 },
};

static const struct claim signalfd_latency = {
	.text = "signalfd: low latency.",
	.test = "the same round trip; \"low\" = within 1.2x of eventfd's",
	.tests = signalfd_latency_tests,
	.ntests = CLAIM_COUNT(signalfd_latency_tests),
};

static const struct claim_test throughput_tests[] = {
	{ .what = "delivered/s, signal-handler/rt / eventfd/semaphore", .figure = "ops_per_s",
	  .num = BURST("signal-handler", "rt"), .den = BURST("eventfd", "semaphore"),
	  .side = CLAIM_AT_MOST, .threshold = 0.5 },
	{ .what = "delivered/s, signalfd/rt / eventfd/semaphore", .figure = "ops_per_s",
	  .num = BURST("signalfd", "rt"), .den = BURST("eventfd", "semaphore"),
	  .side = CLAIM_AT_MOST, .threshold = 1.0 },
	{ .what = "delivered/s, signalfd/rt / signal-handler/rt", .figure = "ops_per_s",
	  .num = BURST("signalfd", "rt"), .den = BURST("signal-handler", "rt"),
	  .side = CLAIM_AT_LEAST, .threshold = 1.0 },
};

static const struct claim throughput = {
	.text = "Signals: low throughput; eventfd: high throughput; signalfd: medium throughput.",
	.test = "burst between threads on two CPUs, delivered per second, queued variants so "
		"nothing merges; \"low\" = at most half of eventfd's, \"medium\" = between "
		"the signal handler's and eventfd's",
	.tests = throughput_tests,
	.ntests = CLAIM_COUNT(throughput_tests),
};

static const struct claim_test production_tests[] = {
	{ .what = "round trip p50 across two CPUs, eventfd/epoll / eventfd/counter: what "
		  "epoll_wait adds to a blocking read", .figure = "p50",
	  .num = NOTIFY("eventfd", "epoll", "pingpong", "thread", "cross-cpu"),
	  .den = NOTIFY("eventfd", "counter", "pingpong", "thread", "cross-cpu"),
	  .side = CLAIM_NO_THRESHOLD },
};

static void production_verdict(const struct claim_outcome *o, char *buf, size_t len)
{
	(void)o;
	snprintf(buf, len, "not testable: a statement of practice, not of speed");
}

static const struct claim production = {
	.text = "\"eventfd + epoll is what production uses.\"",
	.test = "none can be; shown: what the epoll step costs",
	.tests = production_tests,
	.ntests = CLAIM_COUNT(production_tests),
	.verdict = production_verdict,
};

#define KILL(var) NOTIFY("signal-handler", var, "burst", "process", "free")

/*
 * Every run counts: a lost real-time signal makes its row failed (a queued
 * mechanism may lose nothing) but keeps its sent and delivered, and that
 * loss is the claim's result, not a cell that was not measured.
 */
static const struct claim_test kill_tests[] = {
	{ .what = "SIGUSR1 (kill): delivered / sent", .figure = "delivered_share",
	  .num = KILL("std"), .side = CLAIM_AT_MOST, .threshold = 0.5, .every_run = true },
	{ .what = "SIGRTMIN (sigqueue): delivered / sent", .figure = "delivered_share",
	  .num = KILL("rt"), .side = CLAIM_AT_LEAST, .threshold = 1.0, .every_run = true },
};

static const struct claim kill_100k = {
	.text = "A sender that kill()s SIGUSR1 100,000 times and a receiver that counts them: "
		"standard signals coalesce (far fewer delivered); real-time signals queue.",
	.test = "burst between processes, placement free, a signal handler counting, "
		"delivered / sent of every run (a run that lost a queued signal is failed, and "
		"counted); \"far fewer\" = at most half delivered, \"queue\" = every one "
		"delivered",
	.tests = kill_tests,
	.ntests = CLAIM_COUNT(kill_tests),
};

const struct claim *const claims_notify[] = {
	&signal_latency, &signalfd_latency, &throughput, &production, &kill_100k, NULL,
};
