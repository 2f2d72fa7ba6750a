/* fixture_summary.c - synthetic run directories; see fixture.h. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "testutil.h"

FILE *fx_open(const char *dir)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/results.csv", dir);
	f = fopen(path, "w");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(evb_row_write_header(f), 0);
	return f;
}

static void set_num(int64_t *field, const char *text)
{
	*field = text ? strtoll(text, NULL, 10) : EVB_NA;
}

void fx_row(struct evb_row *row, const struct fx_cell *c, int rep)
{
	evb_row_init(row);
	evb_row_set(row, run_id, "fixture");
#define FX_SET_STR(name) evb_row_set(row, name, c->name ? c->name : "");
#define FX_SET_I64(name) set_num(&row->name, c->name);
#define FX_SET(kind, name, flag, slug, label) FX_SET_##kind(name)
	EVB_AXES(FX_SET)
#undef FX_SET
#undef FX_SET_I64
#undef FX_SET_STR
	row->rep = rep;
	evb_row_set(row, status, EVB_STATUS_OK);
	evb_row_set(row, metric, "latency_ns");
	evb_row_set(row, unit, "ns");
	row->samples = 2000;
	row->sent = row->delivered = 2000;
	row->lost = row->spurious = row->overruns = 0;
	row->wall_ns = 1000000000;
	row->cpu_user_ns = row->cpu_sys_ns = 1000000;
}

void fx_write(FILE *f, const struct evb_row *row)
{
	ck_assert_int_eq(evb_row_write(f, row), 0);
}

void fx_latency(FILE *f, const struct fx_cell *c, const double *values, int n)
{
	for (int i = 0; i < n; i++) {
		struct evb_row row;

		fx_row(&row, c, i + 1);
		row.min = (int64_t)(values[i] / 2);
		row.p50 = (int64_t)values[i];
		row.p90 = row.p99 = (int64_t)(2 * values[i]);
		row.max = (int64_t)(3 * values[i]);
		row.mean = values[i];
		row.ops_per_s = 1e9 / values[i];
		fx_write(f, &row);
	}
}


static void run_ok(const char *cmd, const char *dir)
{
	const char *args[] = { cmd, dir, NULL };
	struct evb_spawn_result res = tu_run("evbench", args, 60);

	ck_assert_msg(res.end == EVB_SPAWN_EXITED && res.exit_status == 0,
		      "evbench %s %s: exit %d: %s", cmd, dir, res.exit_status, tu_stderr());
	evb_spawn_result_free(&res);
}

char *fx_finish(FILE *f, const char *dir, char **html)
{
	return fx_finish_env(f, dir, NULL, html);
}

char *fx_finish_env(FILE *f, const char *dir, const char *env_extra, char **html)
{
	char path[1024];
	FILE *env;

	ck_assert_int_eq(fclose(f), 0);
	snprintf(path, sizeof(path), "%s/env.csv", dir);
	env = fopen(path, "w");
	ck_assert_ptr_nonnull(env);
	fprintf(env, "key,value\nrun_id,fixture\nhostname,fixture-host\nrun_state,complete\n%s",
		env_extra ? env_extra : "");
	ck_assert_int_eq(fclose(env), 0);
	run_ok("summarize", dir);
	run_ok("report", dir);
	snprintf(path, sizeof(path), "%s/report.html", dir);
	if (html)
		*html = tu_slurp(path);
	snprintf(path, sizeof(path), "%s/report.md", dir);
	return tu_slurp(path);
}

char *fx_line(const char *text, const char *needle)
{
	const char *hit = strstr(text, needle), *start, *end;
	char *line;

	if (!hit)
		return NULL;
	for (start = hit; start > text && start[-1] != '\n'; start--)
		;
	end = strchr(hit, '\n');
	if (!end)
		end = hit + strlen(hit);
	line = strndup(start, (size_t)(end - start));
	ck_assert_ptr_nonnull(line);
	return line;
}

char *fx_claim_line(const char *report, const char *claim)
{
	const char *details = strstr(report, "\n## Claim details\n");
	char needle[200];
	char *line;

	ck_assert_msg(details != NULL, "report.md has no \"Claim details\" section");
	snprintf(needle, sizeof(needle), "| %s", claim);
	line = fx_line(details, needle);
	ck_assert_msg(line != NULL, "no claim row starting '%s' in report.md's details", claim);
	return line;
}

char *fx_compact_claim_line(const char *report, const char *claim)
{
	const char *start = strstr(report, "\n## Claims put to the test\n");
	const char *end = strstr(report, "\n## Claim details\n");
	char needle[200];
	char *line;

	ck_assert_msg(start && end && start < end, "report.md: no claims table before its details");
	snprintf(needle, sizeof(needle), "| %s |", claim);
	line = fx_line(start, needle);
	ck_assert_msg(line != NULL && strstr(start, needle) < end,
		      "no line for claim '%s' in report.md's claims table", claim);
	return line;
}

void fx_expect_claim(const char *report, const char *claim, const char *verdict)
{
	char *line = fx_claim_line(report, claim);
	char cell[200];

	snprintf(cell, sizeof(cell), "| %s |", verdict);
	ck_assert_msg(tu_contains(line, cell), "claim '%s': expected '%s' in: %s", claim,
		      verdict, line);
	free(line);
}
