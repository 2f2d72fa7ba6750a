/* plan.c - cells, slugs and the profile names; see plan.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

static void slug_append(char *buf, size_t len, size_t *used, const char *prefix,
			const char *value)
{
	if (!value[0] || *used >= len)
		return;
	*used += (size_t)snprintf(buf + *used, len - *used, "%s%s%s", *used ? "_" : "",
				  prefix, value);
}

static void slug_append_i64(char *buf, size_t len, size_t *used, const char *prefix,
			    int64_t value)
{
	char text[32];

	if (value == EVB_NA)
		return;
	snprintf(text, sizeof(text), "%lld", (long long)value);
	slug_append(buf, len, used, prefix, text);
}

void harness_cell_slug(const struct evb_row *axes, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	slug_append(buf, len, &used, "", axes->family);
	slug_append(buf, len, &used, "", axes->mechanism);
	slug_append(buf, len, &used, "", axes->variant);
	slug_append(buf, len, &used, "", axes->mode);
	slug_append(buf, len, &used, "", axes->ipc);
	slug_append(buf, len, &used, "", axes->placement);
	slug_append(buf, len, &used, "", axes->fd_type);
	slug_append_i64(buf, len, &used, "n", axes->nfds);
	slug_append_i64(buf, len, &used, "a", axes->active);
	slug_append_i64(buf, len, &used, "p", axes->period_ns);
	slug_append_i64(buf, len, &used, "t", axes->timers);
	slug_append_i64(buf, len, &used, "s", axes->timer_slack_ns);
	slug_append(buf, len, &used, "", axes->sched);
	slug_append(buf, len, &used, "", axes->load);
	for (char *c = buf; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
			*c = '-';
}
