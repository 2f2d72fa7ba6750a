/*
 * plan_csv.c - RUN/plan.csv, the plan a run keeps so that a resumed run
 * measures exactly the cells it started with; see plan.h.
 *
 * The axis values are written by the results.csv writer itself (one row,
 * the axis columns picked out), so a cell reads back from plan.csv with the
 * same text and the same key as its rows in results.csv.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evb_csv.h"
#include "evb_row.h"
#include "evb_sb.h"
#include "evb_sys.h"
#include "figures.h"
#include "plan.h"
#include "rundir_fs.h"
#include "summary.h"

static const char *const plan_columns[] = {
	"iterations", "warmup", "timeout_ns", "hist", "crosscheck", "extra", NULL,
};

/* Extra options read back: kept for the life of the process, as the static
 * strings a planner puts there would be. */
struct interned {
	struct interned *next;
	char text[];
};
static struct interned *interned_strings;

static const char *intern(const char *text)
{
	for (struct interned *s = interned_strings; s; s = s->next)
		if (!strcmp(s->text, text))
			return s->text;

	struct interned *s = malloc(sizeof(*s) + strlen(text) + 1);

	if (!s)
		return NULL;
	strcpy(s->text, text);
	s->next = interned_strings;
	interned_strings = s;
	return s->text;
}

static int column_index(const char *name)
{
	for (int i = 0; evb_row_column_names[i]; i++)
		if (!strcmp(evb_row_column_names[i], name))
			return i;
	return -1;
}

/* The cell's axes as results.csv writes them. */
static int axes_fields(const struct harness_cell *c, struct evb_csv_record *rec)
{
	char *text = NULL, error[256];
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	int ret;

	if (!mem)
		return -errno;
	ret = evb_row_write(mem, &c->axes);
	if (fclose(mem) && !ret)
		ret = -errno;
	if (!ret && evb_csv_parse_line(text, rec, error, sizeof(error)) != 1)
		ret = -EINVAL;
	free(text);
	return ret;
}

static int write_cell(FILE *f, const struct harness_cell *c)
{
	struct evb_csv_record rec = { 0 };
	char extra[512];
	struct evb_sb sb;
	int ret = axes_fields(c, &rec);

	if (ret)
		return ret;
	for (size_t i = 0; harness_axis_columns[i]; i++) {
		evb_csv_field(f, rec.fields[column_index(harness_axis_columns[i])]);
		fputc(',', f);
	}
	evb_csv_record_free(&rec);
	evb_sb_init(&sb, extra, sizeof(extra));
	for (int i = 0; i < HARNESS_EXTRA_ARGS && c->extra[i]; i++) {
		if (strchr(c->extra[i], ' '))
			return -EINVAL;
		evb_sb_printf(&sb, "%s%s", i ? " " : "", c->extra[i]);
	}
	if (sb.truncated)
		return -EINVAL;   /* a cut option list would run another cell */
	fprintf(f, "%lld,", (long long)c->iterations);
	if (c->warmup >= 0)
		fprintf(f, "%lld", (long long)c->warmup);
	fprintf(f, ",%lld,%d,%d,", (long long)c->timeout_ns, c->hist, c->crosscheck);
	evb_csv_field(f, extra);
	fputc('\n', f);
	return ferror(f) ? -EIO : 0;
}

int harness_plan_write(const struct harness_plan *plan, const char *path, char *error,
		       size_t error_len)
{
	struct harness_tmp tmp;
	int ret = harness_rundir_create_tmp_at(&tmp, path, error, error_len);
	FILE *f = tmp.f;

	if (ret)
		return ret;
	for (size_t i = 0; harness_axis_columns[i]; i++)
		fprintf(f, "%s,", harness_axis_columns[i]);
	for (size_t i = 0; plan_columns[i]; i++)
		fprintf(f, "%s%s", plan_columns[i], plan_columns[i + 1] ? "," : "\n");
	for (size_t i = 0; i < plan->ncells && !ret; i++) {
		ret = write_cell(f, &plan->cells[i]);
		if (ret == -EINVAL)
			snprintf(error, error_len, "%s: cell %zu: an extra option holds a space",
				 path, i + 1);
	}
	if (ret) {
		if (ret != -EINVAL)
			snprintf(error, error_len, "%s: %s", path, strerror(-ret));
		harness_rundir_discard(&tmp);
		return ret;
	}
	ret = harness_rundir_commit(&tmp, error, error_len);
	if (ret)
		snprintf(error, error_len, "%s: %s", path, strerror(-ret));
	return ret;
}

/* Strict integer of a plan column; empty gives empty_value. */
static int plan_i64(const struct evb_table *t, size_t row, const char *name, int64_t empty_value,
		    int64_t *out)
{
	const char *text = evb_table_get(t, row, evb_table_col(t, name));
	char *end;

	if (!text[0]) {
		*out = empty_value;
		return empty_value == EVB_NA ? -EINVAL : 0;
	}
	errno = 0;
	*out = strtoll(text, &end, 10);
	return *end || errno ? -EINVAL : 0;
}

/*
 * The driver options a planner puts in a cell's extra (plan_serve_presets.c:
 * the saturation cells' --depth), each with the range of its one value.
 * plan.csv is read back by --resume, and a plan.csv can be edited: its extra
 * runs nothing else (not --hist FILE, which would write wherever it said).
 */
static const struct {
	const char *name;
	long long min, max;
} extra_options[] = {
	{ "--depth", 1, 1 << 20 },
};

/* Is word, value one of extra_options with its value in range?  0, or -EPERM
 * with why set. */
static int extra_allowed(const char *word, const char *value, char *why, size_t why_len)
{
	for (size_t i = 0; i < sizeof(extra_options) / sizeof(extra_options[0]); i++) {
		char *end;
		long long v;

		if (strcmp(word, extra_options[i].name))
			continue;
		errno = 0;
		v = value ? strtoll(value, &end, 10) : 0;
		if (value && value[0] && !*end && !errno && v >= extra_options[i].min &&
		    v <= extra_options[i].max)
			return 0;
		snprintf(why, why_len, "extra option %s needs a value from %lld to %lld, not "
			 "'%.40s'", word, extra_options[i].min, extra_options[i].max,
			 value ? value : "");
		return -EPERM;
	}
	snprintf(why, why_len, "extra option '%.60s' is not one evbench writes (only --depth N); "
		 "refused", word);
	return -EPERM;
}

static int read_extra(struct harness_cell *c, const char *text, char *why, size_t why_len)
{
	char copy[512], *save = NULL, *value;
	int n = 0;

	evb_strlcpy(copy, text, sizeof(copy));
	for (char *w = strtok_r(copy, " ", &save); w; w = value ? strtok_r(NULL, " ", &save) : NULL) {
		int ret;

		value = strtok_r(NULL, " ", &save);
		ret = extra_allowed(w, value, why, why_len);
		if (ret)
			return ret;
		if (n + 2 >= HARNESS_EXTRA_ARGS) {
			snprintf(why, why_len, "too many extra options");
			return -EINVAL;
		}
		c->extra[n] = intern(w);
		c->extra[n + 1] = intern(value);
		if (!c->extra[n] || !c->extra[n + 1])
			return -ENOMEM;
		n += 2;
	}
	return 0;
}

static int read_cell(const struct evb_table *t, size_t r, struct harness_cell *c, char *error,
		     size_t error_len)
{
	int64_t hist, crosscheck;
	char why[256];

	harness_cell_init(c, "");
	if (evb_row_parse_named(&c->axes, t->header.fields, t->rows[r].fields,
				t->rows[r].nfields, why, sizeof(why))) {
		snprintf(error, error_len, "line %zu: %s", r + 2, why);
		return -EINVAL;
	}
	if (plan_i64(t, r, "iterations", EVB_NA, &c->iterations) ||
	    plan_i64(t, r, "warmup", -1, &c->warmup) ||
	    plan_i64(t, r, "timeout_ns", EVB_NA, &c->timeout_ns) ||
	    plan_i64(t, r, "hist", EVB_NA, &hist) ||
	    plan_i64(t, r, "crosscheck", EVB_NA, &crosscheck) || c->iterations <= 0 ||
	    c->timeout_ns <= 0 || (hist != 0 && hist != 1) || (crosscheck != 0 && crosscheck != 1) ||
	    !c->axes.family[0]) {
		snprintf(error, error_len, "line %zu: a family and numbers expected in iterations, "
			 "timeout_ns, hist, crosscheck", r + 2);
		return -EINVAL;
	}
	c->hist = hist;
	c->crosscheck = crosscheck;
	if (read_extra(c, evb_table_get(t, r, evb_table_col(t, "extra")), why, sizeof(why))) {
		snprintf(error, error_len, "line %zu: %s", r + 2, why);
		return -EINVAL;
	}
	return 0;
}

int harness_plan_read(struct harness_plan *plan, const char *path, char *error,
		      size_t error_len)
{
	struct evb_table t;
	char why[300];
	int ret = evb_table_load(&t, path);

	if (ret) {
		snprintf(error, error_len, "%s", t.error);
		return ret;
	}
	for (size_t i = 0; plan_columns[i] && !ret; i++)
		if (evb_table_col(&t, plan_columns[i]) < 0) {
			snprintf(error, error_len, "%s: no column %s", path, plan_columns[i]);
			ret = -EINVAL;
		}
	for (size_t r = 0; r < t.nrows && !ret; r++) {
		struct harness_cell c;

		ret = read_cell(&t, r, &c, why, sizeof(why));
		if (ret)
			snprintf(error, error_len, "%s: %s", path, why);
		else if ((ret = harness_plan_add(plan, &c)))
			snprintf(error, error_len, "%s: %s", path, strerror(-ret));
	}
	evb_table_free(&t);
	return ret;
}
