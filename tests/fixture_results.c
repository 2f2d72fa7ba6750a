/* fixture_results.c - synthetic run directories; see fixture.h. */
#include <check.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "evb_csv.h"
#include "evb_row.h"
#include "evb_stats.h"
#include "fixture.h"
#include "testutil.h"

void fx_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_msg(f != NULL, "%s", path);
	ck_assert(fputs(text, f) >= 0);
	ck_assert_int_eq(fclose(f), 0);
}

char *fx_read_file(const char *path, size_t *len)
{
	char *buf = tu_slurp(path);   /* text files: no NUL inside */

	if (len)
		*len = strlen(buf);
	return buf;
}

double fx_normal(struct evb_rng *rng)
{
	double u1 = ((double)(evb_rng_next(rng) >> 11) + 1.0) / 9007199254740993.0;
	double u2 = (double)(evb_rng_next(rng) >> 11) / 9007199254740992.0;

	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

/* splitmix64's finaliser: nearby keys, unrelated seeds. */
static uint64_t mix64(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void fill_row(struct evb_row *row, size_t cell, int rep, const struct fx_run *spec,
		     struct evb_rng *rng)
{
	bool throughput = cell % 10 == 9;
	int round = spec->rounds > 1 ? (rep - 1) % spec->rounds + 1 : 1;
	double noise = exp(spec->cv * fx_normal(rng)) * pow(1.0 + spec->round_drift, round - 1);

	if (spec->boot_sd > 0) {        /* the same for every rep of this cell and round */
		struct evb_rng boot;

		evb_rng_seed(&boot, mix64((spec->seed * 1000003 + cell) * 64 + (uint64_t)round));
		noise *= exp(spec->boot_sd * fx_normal(&boot));
	}
	double base = 10000.0 + 250.0 * (double)cell;

	evb_row_init(row);
	evb_row_set(row, run_id, "synthetic");
	evb_row_set(row, family, "notify");
	snprintf(row->mechanism, sizeof(row->mechanism), "mech%zu", cell / 10);
	evb_row_set(row, mode, throughput ? "burst" : "pingpong");
	evb_row_set(row, ipc, "thread");
	evb_row_set(row, placement, "same-cpu");
	row->nfds = (int64_t)cell;
	row->rep = rep;
	if (spec->record_rounds)
		row->round = round;
	evb_row_set(row, status, "ok");
	evb_row_set(row, metric, throughput ? "throughput" : "latency");
	evb_row_set(row, unit, throughput ? "ops/s" : "ns");
	row->samples = 1000;
	row->delivered = 1000;
	row->sent = 1000;
	row->machine_cpu_ns = 4000000;
	row->vcsw_a_per_op = 1.0;
	if (throughput) {
		row->ops_per_s = 1e9 / (base * spec->scale) * noise;
	} else {
		row->p50 = (int64_t)llround(base * spec->scale * noise);
		row->min = row->p50 / 2;
		row->p90 = row->p50 * 2;
		row->max = row->p50 * 3;
	}
}

static void write_env(const char *dir, const struct fx_run *spec)
{
	char path[1024], text[2048];

	snprintf(path, sizeof(path), "%s/env.csv", dir);
	snprintf(text, sizeof(text), "key,value\nrun_state,complete\nrun_id,synthetic-%llu\n%s",
		 (unsigned long long)spec->seed, spec->env_extra ? spec->env_extra : "");
	fx_write_file(path, text);
}

static void write_sentinel(const char *dir, const struct fx_run *spec, struct evb_rng *rng)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/sentinel.csv", dir);
	f = fopen(path, "w");
	ck_assert(f != NULL);
	ck_assert_int_eq(evb_row_write_header(f), 0);
	struct fx_run same = *spec;

	if (spec->sentinel_scale > 0)
		same.scale = spec->sentinel_scale;
	for (int i = 1; i <= 20; i++)
		for (int cross = 0; cross <= (spec->sentinel_cross ? 1 : 0); cross++) {
			struct evb_row row;

			fill_row(&row, 0, i, cross ? spec : &same, rng);
			evb_row_set(&row, mechanism, "pipe");
			if (cross)
				evb_row_set(&row, placement, "cross-cpu");
			ck_assert_int_eq(evb_row_write(f, &row), 0);
		}
	ck_assert_int_eq(fclose(f), 0);
}

static void write_plan(const char *dir, const struct fx_run *spec)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/plan.csv", dir);
	f = fopen(path, "w");
	ck_assert(f != NULL);
	fprintf(f, "family,mechanism,variant,mode,ipc,placement,fd_type,nfds,active,period_ns,"
		   "timers,timer_slack_ns,sched,load,iterations,warmup,timeout_ns,hist,extra\n");
	for (size_t c = 0; c < spec->ncells; c++)
		fprintf(f, "notify,mech%zu,,%s,thread,same-cpu,,%zu,,,,,,,%ld,100,60000000000,,\n",
			c / 10, c % 10 == 9 ? "burst" : "pingpong", c,
			c % 2 == 0 && spec->plan_iterations ? spec->plan_iterations : 2000L);
	ck_assert_int_eq(fclose(f), 0);
}

void fx_write_run(const char *dir, const struct fx_run *spec)
{
	char path[1024];
	struct evb_rng rng;
	FILE *f;

	evb_rng_seed(&rng, spec->seed);
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	f = fopen(path, "w");
	ck_assert_msg(f != NULL, "%s", path);
	ck_assert_int_eq(evb_row_write_header(f), 0);
	/* Interleaved, as a run writes them: every cell once per round. */
	for (int rep = 1; rep <= spec->reps; rep++)
		for (size_t c = 0; c < spec->ncells; c++) {
			struct evb_row row;

			fill_row(&row, c, rep, spec, &rng);
			ck_assert_int_eq(evb_row_write(f, &row), 0);
		}
	ck_assert_int_eq(fclose(f), 0);
	write_env(dir, spec);
	if (spec->sentinel)
		write_sentinel(dir, spec, &rng);
	if (spec->plan)
		write_plan(dir, spec);
}

void fx_drop_columns(const char *path, const char *const *names)
{
	struct evb_table t;
	bool keep[256];
	FILE *f;

	ck_assert_int_eq(evb_table_load(&t, path), 0);
	ck_assert(t.header.nfields <= 256);
	for (size_t c = 0; c < t.header.nfields; c++) {
		keep[c] = true;
		for (size_t i = 0; names[i]; i++)
			if (!strcmp(t.header.fields[c], names[i]))
				keep[c] = false;
	}
	f = fopen(path, "w");
	ck_assert(f != NULL);
	for (size_t r = 0; r <= t.nrows; r++) {
		const struct evb_csv_record *rec = r ? &t.rows[r - 1] : &t.header;
		bool first = true;

		for (size_t c = 0; c < rec->nfields; c++) {
			if (!keep[c])
				continue;
			if (!first)
				fputc(',', f);
			evb_csv_field(f, rec->fields[c]);
			first = false;
		}
		fputc('\n', f);
	}
	ck_assert_int_eq(fclose(f), 0);
	evb_table_free(&t);
}

size_t fx_count(const char *path, const char *column, const char *value, bool prefix)
{
	struct evb_table t;
	size_t n = 0;
	int col;

	ck_assert_msg(evb_table_load(&t, path) == 0, "%s", t.error);
	col = evb_table_col(&t, column);
	ck_assert_msg(col >= 0, "%s: no column %s", path, column);
	for (size_t r = 0; r < t.nrows; r++) {
		const char *v = evb_table_get(&t, r, col);

		n += prefix ? !strncmp(v, value, strlen(value)) : !strcmp(v, value);
	}
	evb_table_free(&t);
	return n;
}

/* A recursive-descent check of JSON (RFC 8259), enough for compare's output. */
static const char *json_value(const char *s, int depth);

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

static const char *json_string(const char *s)
{
	if (*s++ != '"')
		return NULL;
	for (; *s && *s != '"'; s++) {
		if ((unsigned char)*s < 0x20)
			return NULL;
		if (*s != '\\')
			continue;
		s++;
		if (*s == 'u') {
			for (int i = 1; i <= 4; i++)
				if (!isxdigit((unsigned char)s[i]))
					return NULL;
			s += 4;
		} else if (!strchr("\"\\/bfnrt", *s) || !*s) {
			return NULL;
		}
	}
	return *s == '"' ? s + 1 : NULL;
}

static const char *json_number(const char *s)
{
	const char *start = s;

	if (*s == '-')
		s++;
	if (!isdigit((unsigned char)*s))
		return NULL;
	while (isdigit((unsigned char)*s) || *s == '.' || *s == 'e' || *s == 'E' ||
	       ((*s == '+' || *s == '-') && (s[-1] == 'e' || s[-1] == 'E')))
		s++;
	char *end;

	strtod(start, &end);
	return end == s ? s : NULL;
}

static const char *json_container(const char *s, int depth, char close)
{
	s = skip_ws(s + 1);
	if (*s == close)
		return s + 1;
	for (;;) {
		if (close == '}') {
			s = json_string(skip_ws(s));
			if (!s || *(s = skip_ws(s)) != ':')
				return NULL;
			s++;
		}
		s = json_value(s, depth + 1);
		if (!s)
			return NULL;
		s = skip_ws(s);
		if (*s == close)
			return s + 1;
		if (*s++ != ',')
			return NULL;
	}
}

static const char *json_value(const char *s, int depth)
{
	s = skip_ws(s);
	if (depth > 64)
		return NULL;
	if (*s == '{')
		return json_container(s, depth, '}');
	if (*s == '[')
		return json_container(s, depth, ']');
	if (*s == '"')
		return json_string(s);
	if (!strncmp(s, "true", 4))
		return s + 4;
	if (!strncmp(s, "false", 5))
		return s + 5;
	if (!strncmp(s, "null", 4))
		return s + 4;
	return json_number(s);
}

bool fx_json_valid(const char *text)
{
	const char *end = json_value(text, 0);

	return end && !*skip_ws(end);
}

void fx_make_pair(struct fx_pair *p, const struct fx_run *a, const struct fx_run *b)
{
	tu_tmpdir(p->tmp, sizeof(p->tmp));
	snprintf(p->a, sizeof(p->a), "%s/a", p->tmp);
	snprintf(p->b, sizeof(p->b), "%s/b", p->tmp);
	snprintf(p->out, sizeof(p->out), "%s/cmp", p->tmp);
	snprintf(p->csv, sizeof(p->csv), "%s/cmp/compare.csv", p->tmp);
	ck_assert_int_eq(mkdir(p->a, 0755), 0);
	ck_assert_int_eq(mkdir(p->b, 0755), 0);
	fx_write_run(p->a, a);
	fx_write_run(p->b, b);
}

int fx_compare_dirs(const char *const *dirs, const char *out_dir, const char *const *extra,
		    char **out)
{
	const char *args[24] = { "compare" };
	size_t n = 1;

	for (size_t i = 0; dirs[i] && n < 20; i++)
		args[n++] = dirs[i];
	args[n++] = "--out";
	args[n++] = out_dir;
	for (size_t i = 0; extra && extra[i] && n < 23; i++)
		args[n++] = extra[i];
	args[n] = NULL;
	struct evb_spawn_result res = tu_run("evbench", args, 60);

	ck_assert_msg(res.end == EVB_SPAWN_EXITED, "compare died: %s", tu_stderr());
	if (out)
		*out = strdup(res.out);
	evb_spawn_result_free(&res);
	return res.exit_status;
}

int fx_compare(const struct fx_pair *p, const char *const *extra, char **out)
{
	return fx_compare_dirs((const char *const[]){ p->a, p->b, NULL }, p->out, extra, out);
}
