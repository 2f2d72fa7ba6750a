/*
 * report_keys_scan.c - a key result's curve: how a family's figure grows
 * along the axis it scans (mux: registered fds; timer: the period; serve:
 * connections), for the mechanism that grows most and the one that grows
 * least over the range most mechanisms were measured at, and where the
 * steepest has doubled.  Ok cells only.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "figures.h"
#include "report.h"

#define KEY_MAX_POINTS 512

/* Points of the scan: one per mechanism and axis value, ok cells only. */
struct scan_point {
	char label[128];
	double x, v;
};

static size_t scan_points(const struct evb_table *s, const struct report_key *key,
			  struct scan_point *pts)
{
	char column[64];
	size_t n = 0;

	snprintf(column, sizeof(column), "%s_median", key->scan.figure);
	for (size_t r = 0; r < s->nrows && n < KEY_MAX_POINTS; r++) {
		struct scan_point p;
		size_t i = 0;

		if (!report_key_matches(s, r, key->scan.kv) || strcmp(harness_str(s, r, "status"), "ok"))
			continue;
		harness_mech_label(s, r, p.label, sizeof(p.label));
		p.x = harness_num(s, r, key->scan.axis);
		p.v = harness_num(s, r, column);
		if (!isfinite(p.x) || !(p.v > 0))
			continue;
		while (i < n && (strcmp(pts[i].label, p.label) || pts[i].x != p.x))
			i++;
		if (i == n)
			pts[n++] = p;
	}
	return n;
}

static double point_at(const struct scan_point *pts, size_t n, const char *label, double x)
{
	for (size_t i = 0; i < n; i++)
		if (pts[i].x == x && !strcmp(pts[i].label, label))
			return pts[i].v;
	return NAN;
}

/* A value of the scan's axis, with its unit or (bare) without. */
static void fmt_axis(const struct report_key *key, double x, bool bare, char *buf, size_t len)
{
	if (!key->scan.unit) {
		report_fmt_ns(buf, len, x);
		return;
	}
	long long v = (long long)x;
	const char *unit = bare ? "" : key->scan.unit;

	if (v >= 1000000 && v % 1000 == 0)
		snprintf(buf, len, "%lld,%03lld,%03lld%s", v / 1000000, v / 1000 % 1000, v % 1000,
			 unit);
	else if (v >= 1000)
		snprintf(buf, len, "%lld,%03lld%s", v / 1000, v % 1000, unit);
	else
		snprintf(buf, len, "%lld%s", v, unit);
}

/*
 * The scan's range: from its smallest value to the largest at which at
 * least two of the mechanisms measured at the smallest were measured too
 * (one, when no size has two); *hi NAN when no mechanism has two points.
 */
static void scan_range(const struct scan_point *pts, size_t n, double *lo, double *hi)
{
	double hi1 = NAN, hi2 = NAN;

	*lo = INFINITY;
	for (size_t i = 0; i < n; i++)
		*lo = fmin(*lo, pts[i].x);
	for (size_t i = 0; i < n; i++) {
		size_t both = 0;

		if (pts[i].x == *lo)
			continue;
		for (size_t j = 0; j < n; j++)
			both += pts[j].x == pts[i].x && isfinite(point_at(pts, n, pts[j].label, *lo));
		if (both >= 2 && !(pts[i].x <= hi2))
			hi2 = pts[i].x;
		if (both >= 1 && !(pts[i].x <= hi1))
			hi1 = pts[i].x;
	}
	*hi = isfinite(hi2) ? hi2 : hi1;
}

void report_key_scan(const struct report_ctx *ctx, const struct report_key *key)
{
	static struct scan_point pts[KEY_MAX_POINTS];
	size_t n = scan_points(ctx->summary, key, pts), steep = 0, flat = 0, k = 0;
	double lo, hi, g_steep = NAN, g_flat = NAN, bend = NAN;
	char from[32], to[32], at[32], by[64] = "";

	scan_range(pts, n, &lo, &hi);
	if (!isfinite(hi))
		return;
	for (size_t i = 0; i < n; i++) {
		double a = point_at(pts, n, pts[i].label, lo), b;

		if (pts[i].x != hi || !isfinite(a))
			continue;
		b = pts[i].v / a;
		if (!k || b > g_steep)
			steep = i, g_steep = b;
		if (!k || b < g_flat)
			flat = i, g_flat = b;
		k++;
	}
	/* where the steepest bends: the first size at which it has doubled */
	for (size_t i = 0; i < n; i++)
		if (!strcmp(pts[i].label, pts[steep].label) && pts[i].x > lo && pts[i].x < hi &&
		    pts[i].v >= 2 * point_at(pts, n, pts[i].label, lo) && !(pts[i].x >= bend))
			bend = pts[i].x;
	fmt_axis(key, lo, true, from, sizeof(from));
	fmt_axis(key, hi, false, to, sizeof(to));
	if (isfinite(bend)) {
		fmt_axis(key, bend, false, at, sizeof(at));
		snprintf(by, sizeof(by), ", twice its first by %s", at);
	}
	if (k == 1)
		doc_item(ctx->doc, "%s's %s grows %.*fx from %s to %s%s.", pts[steep].label,
			 key->scan.what, g_steep < 10 ? 1 : 0, g_steep, from, to, by);
	else
		doc_item(ctx->doc, "%s's %s grows %.*fx from %s to %s%s; %s's %.*fx (the least of "
			 "%zu measured at both).", pts[steep].label, key->scan.what,
			 g_steep < 10 ? 1 : 0, g_steep, from, to, by, pts[flat].label,
			 g_flat < 10 ? 1 : 0, g_flat, k);
}
