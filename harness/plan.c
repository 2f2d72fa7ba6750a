/* plan.c - cells, slugs and the profile names; see plan.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "evb_sb.h"
#include "evb_sys.h"
#include <string.h>

#include "plan.h"
#include "harness.h"

const char *const harness_profile_names[] = { "smoke", "quick", "standard", "full", NULL };

void harness_cell_init(struct harness_cell *cell, const char *family)
{
	memset(cell, 0, sizeof(*cell));
	evb_row_init(&cell->axes);
	evb_row_set(&cell->axes, family, family);
	cell->iterations = 1000;
	cell->warmup = -1;
	cell->timeout_ns = 30 * 1000000000LL;
}

int harness_plan_add(struct harness_plan *plan, const struct harness_cell *cell)
{
	if (plan->ncells == plan->cap) {
		size_t cap = plan->cap ? plan->cap * 2 : 256;
		struct harness_cell *cells = realloc(plan->cells, cap * sizeof(*cells));

		if (!cells)
			return -ENOMEM;
		plan->cells = cells;
		plan->cap = cap;
	}
	plan->cells[plan->ncells++] = *cell;
	return 0;
}

void harness_plan_free(struct harness_plan *plan)
{
	free(plan->cells);
	memset(plan, 0, sizeof(*plan));
}

/* Each non-empty axis in column order, with its slug prefix (evb_axes.h). */
int harness_cell_slug(const struct evb_row *axes, char *buf, size_t len)
{
	struct evb_sb sb;

	evb_sb_init(&sb, buf, len);
	for (size_t i = 0; i < EVB_NAXES && !sb.truncated; i++) {
		char text[32];
		const char *value = evb_axis_value(axes, i, text, sizeof(text));

		if (!value[0])
			continue;
		evb_sb_printf(&sb, "%s%s%s", sb.used ? "_" : "", evb_axes[i].slug, value);
	}
	for (char *c = buf; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
			*c = '-';
	return sb.truncated ? -ENAMETOOLONG : 0;
}

/* --- the driver command line of a cell ------------------------------------ */

void harness_argv_free(struct harness_argv *b)
{
	for (int i = 0; i < b->n; i++)
		free(b->argv[i]);
	free(b->argv);
	memset(b, 0, sizeof(*b));
}

/* Append a copy of text; -ENOMEM (b->n stays) when it cannot. */
static int arg_add(struct harness_argv *b, const char *text)
{
	if (b->n + 2 > b->cap) {
		int cap = b->cap ? b->cap * 2 : 32;
		char **argv = realloc(b->argv, (size_t)cap * sizeof(*argv));

		if (!argv)
			return -ENOMEM;
		b->argv = argv;
		b->cap = cap;
	}
	b->argv[b->n] = strdup(text);
	if (!b->argv[b->n])
		return -ENOMEM;
	b->argv[++b->n] = NULL;
	return 0;
}

static int arg_opt(struct harness_argv *b, const char *opt, const char *value)
{
	int ret;

	if (!value[0])
		return 0;
	ret = arg_add(b, opt);
	return ret ? ret : arg_add(b, value);
}

static int arg_i64(struct harness_argv *b, const char *opt, int64_t value)
{
	char text[32];

	if (value == EVB_NA)
		return 0;
	snprintf(text, sizeof(text), "%lld", (long long)value);
	return arg_opt(b, opt, text);
}

/* An axis's option: "--flag VALUE", or "--flag=VALUE" for a flag ending in
 * '='; nothing for an empty value or an axis with no flag. */
static int arg_axis(struct harness_argv *b, const struct evb_axis *axis, const char *value)
{
	size_t n;
	char *joined;
	int ret;

	if (!axis->flag || !value[0])
		return 0;
	n = strlen(axis->flag);
	if (!n || axis->flag[n - 1] != '=')
		return arg_opt(b, axis->flag, value);
	if (asprintf(&joined, "%s%s", axis->flag, value) < 0)
		return -ENOMEM;
	ret = arg_add(b, joined);
	free(joined);
	return ret;
}

int harness_cell_argv(struct harness_argv *b, const char *driver, const struct harness_cell *c,
		      const char *run_id, int rep, const char *hist_path)
{
	const struct evb_row *a = &c->axes;
	char text[32], timeout[32];
	int ret;

	memset(b, 0, sizeof(*b));
	ret = arg_add(b, driver);
	for (size_t i = 0; i < EVB_NAXES && !ret; i++)
		ret = arg_axis(b, &evb_axes[i], evb_axis_value(a, i, text, sizeof(text)));
	if (!ret)
		ret = arg_i64(b, "--iterations", c->iterations);
	if (!ret && c->warmup >= 0)
		ret = arg_i64(b, "--warmup", c->warmup);
	snprintf(timeout, sizeof(timeout), "%lldns", (long long)c->timeout_ns);
	if (!ret)
		ret = arg_opt(b, "--timeout", timeout);
	if (!ret)
		ret = arg_opt(b, "--run-id", run_id);
	if (!ret)
		ret = arg_i64(b, "--rep", rep);
	if (!ret && hist_path)
		ret = arg_opt(b, "--hist", hist_path);
	for (int i = 0; i < HARNESS_EXTRA_ARGS && c->extra[i] && !ret; i++)
		ret = arg_add(b, c->extra[i]);
	return ret;
}

char *harness_cell_command(const char *driver, const struct harness_cell *c, const char *run_id,
			   int rep)
{
	struct harness_argv b;
	size_t len = 1;
	char *line = NULL;
	struct evb_sb sb;

	if (harness_cell_argv(&b, driver, c, run_id, rep, NULL))
		goto out;
	for (int i = 0; i < b.n; i++)
		len += strlen(b.argv[i]) + 1;
	line = malloc(len);
	if (!line)
		goto out;
	evb_sb_init(&sb, line, len);
	for (int i = 0; i < b.n; i++)
		evb_sb_printf(&sb, "%s%s", i ? " " : "", b.argv[i]);
out:
	harness_argv_free(&b);
	return line;
}
