/* plan.c - cells, slugs and the profile names; see plan.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "evb_sys.h"
#include <string.h>

#include "plan.h"

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
void harness_cell_slug(const struct evb_row *axes, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < EVB_NAXES && used < len; i++) {
		char text[32];
		const char *value = evb_axis_value(axes, i, text, sizeof(text));

		if (value[0])
			used += (size_t)snprintf(buf + used, len - used, "%s%s%s",
						 used ? "_" : "", evb_axes[i].slug, value);
	}
	for (char *c = buf; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
			*c = '-';
}

/* --- the driver command line of a cell ------------------------------------ */

static void arg_add(struct harness_argv *b, const char *text)
{
	if (b->n >= 62)
		return;
	evb_strlcpy(b->storage[b->n], text, sizeof(b->storage[0]));
	b->argv[b->n] = b->storage[b->n];
	b->n++;
	b->argv[b->n] = NULL;
}

static void arg_opt(struct harness_argv *b, const char *opt, const char *value)
{
	if (!value[0])
		return;
	arg_add(b, opt);
	arg_add(b, value);
}

static void arg_i64(struct harness_argv *b, const char *opt, int64_t value)
{
	char text[32];

	if (value == EVB_NA)
		return;
	snprintf(text, sizeof(text), "%lld", (long long)value);
	arg_opt(b, opt, text);
}

/* An axis's option: "--flag VALUE", or "--flag=VALUE" for a flag ending in
 * '='; nothing for an empty value or an axis with no flag. */
static void arg_axis(struct harness_argv *b, const struct evb_axis *axis, const char *value)
{
	size_t n;

	if (!axis->flag || !value[0])
		return;
	n = strlen(axis->flag);
	if (n && axis->flag[n - 1] == '=') {
		char joined[sizeof(b->storage[0])];

		snprintf(joined, sizeof(joined), "%s%s", axis->flag, value);
		arg_add(b, joined);
	} else {
		arg_opt(b, axis->flag, value);
	}
}

void harness_cell_argv(struct harness_argv *b, const char *driver, const struct harness_cell *c,
		       const char *run_id, int rep, const char *hist_path)
{
	const struct evb_row *a = &c->axes;
	char text[32];

	b->n = 0;
	arg_add(b, driver);
	for (size_t i = 0; i < EVB_NAXES; i++)
		arg_axis(b, &evb_axes[i], evb_axis_value(a, i, text, sizeof(text)));
	arg_i64(b, "--iterations", c->iterations);
	if (c->warmup >= 0)
		arg_i64(b, "--warmup", c->warmup);
	char timeout[32];

	snprintf(timeout, sizeof(timeout), "%lldns", (long long)c->timeout_ns);
	arg_opt(b, "--timeout", timeout);
	arg_opt(b, "--run-id", run_id);
	arg_i64(b, "--rep", rep);
	if (hist_path)
		arg_opt(b, "--hist", hist_path);
	for (int i = 0; i < HARNESS_EXTRA_ARGS && c->extra[i]; i++)
		arg_add(b, c->extra[i]);
}

