/*
 * report_beside.c - `evbench report RUN --beside RUN2`: a run measured
 * inside a VM says so at the top of its report, and a second run's cells
 * stand in for the ones RUN could not measure.
 *
 * The cells a machine's limits refuse (the seed tables' 100,000
 * connections and fds, under a 20,000 descriptor limit) run in an
 * `evbench vm` guest whose limits are raised.  With --beside, a seed table
 * cell that is not ok in RUN (skipped, failed, absent) and is ok or
 * partial in RUN2 shows RUN2's value, marked with RUN2's label; RUN's own
 * ok cells are never replaced.  Each table keeps the intervals of the
 * cells it took from RUN2 apart from its own (struct report_beside) and
 * prints a second trust note for them, naming RUN2, so an emulated
 * figure's interval never enters the host's note.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare.h"
#include "evb_cli.h"
#include "evb_sb.h"
#include "figures.h"
#include "harness.h"
#include "report.h"
#include "rundir.h"
#include "rundir_read.h"

/* The env.csv value of key, or NULL when the run did not record it. */
static const char *env_or_null(const struct harness_run *run, const char *key)
{
	const char *v = harness_run_env(run, key);

	return v[0] && strcmp(v, "unavailable") ? v : NULL;
}

static bool emulated(const struct harness_run *run)
{
	const char *accel = env_or_null(run, "vm_accel");

	return accel && !strcmp(accel, "tcg");
}

void report_vm_text(const struct harness_run *run, char *buf, size_t len)
{
	const char *accel = env_or_null(run, "vm_accel");

	buf[0] = '\0';
	if (accel)
		snprintf(buf, len, "qemu %s, guest kernel %s, %s CPUs, %s MiB", accel,
			 harness_run_env(run, "vm_guest_kernel"), harness_run_env(run, "vm_cpus"),
			 harness_run_env(run, "vm_memory_mb"));
}

/* "measured inside a VM: qemu tcg, ..." or "host H, kernel K". */
static void run_text(const struct harness_run *run, char *buf, size_t len)
{
	char vm[300];

	report_vm_text(run, vm, sizeof(vm));
	if (vm[0])
		snprintf(buf, len, "measured inside a VM: %s", vm);
	else
		snprintf(buf, len, "host %s, kernel %s", harness_run_env(run, "hostname"),
			 harness_run_env(run, "kernel_release"));
}

void report_vm_header(const struct report_ctx *ctx)
{
	const struct report_ctx *o = ctx->beside;
	char vm[300], other[400];

	report_vm_text(ctx->run, vm, sizeof(vm));
	if (vm[0])
		doc_p(ctx->doc, "Measured inside a VM: %s%s", vm,
		      emulated(ctx->run) ? " — emulated: every figure is emulated; compare it "
		      "only with other tcg runs." : ".");
	if (!o)
		return;
	run_text(o->run, other, sizeof(other));
	doc_p(ctx->doc, "Beside this run: %s (%s). In the seed tables, a cell that did not run "
	      "here, or was never ok, shows that run's value marked [%s]; this run's own ok "
	      "cells are never replaced.", o->run_dir, other, o->label);
}

/* "vm tcg 6.1.0-56" for a run inside a VM, else the directory's name. */
static void beside_label(const struct harness_run *run, const char *dir, char *buf, size_t len)
{
	const char *accel = env_or_null(run, "vm_accel");
	const char *kernel = env_or_null(run, "vm_guest_kernel");
	char name[PATH_MAX];

	if (accel)
		snprintf(buf, len, "vm %s%s%s", accel, kernel ? " " : "", kernel ? kernel : "");
	else
		snprintf(buf, len, "%s", cmp_base_name(dir, name, sizeof(name)));
}

void report_beside_attach(struct report_ctx *ctx, struct report_ctx *beside, char *label,
			  size_t label_len)
{
	beside_label(beside->run, beside->run_dir, label, label_len);
	beside->label = label;
	ctx->beside = beside;
}

static bool row_ok(const struct evb_table *s, long r)
{
	const char *status = r < 0 ? "" : harness_str(s, (size_t)r, "status");

	return !strcmp(status, "ok") || !strcmp(status, "partial");
}

const struct report_ctx *report_beside_pick(const struct report_ctx *ctx, const char *const *kv,
					    struct report_beside *b, const char *what)
{
	const struct report_ctx *o = ctx->beside;

	if (!o || row_ok(ctx->summary, harness_find_row(ctx->summary, kv)) ||
	    !row_ok(o->summary, harness_find_row(o->summary, kv)))
		return ctx;
	if (b) {
		struct evb_sb sb;

		evb_sb_resume(&sb, b->cells, sizeof(b->cells));
		evb_sb_printf(&sb, "%s%s", sb.used ? ", " : "", what);
		b->ncells++;
	}
	return o;
}

void report_beside_mark(const struct report_ctx *from, char *buf, size_t len)
{
	struct evb_sb sb;

	evb_sb_resume(&sb, buf, len);
	if (from->label)
		evb_sb_printf(&sb, " [%s]", from->label);
}

void report_beside_note(const struct report_ctx *ctx, const struct report_beside *b)
{
	const struct report_ctx *o = ctx->beside;
	char other[400];

	if (!o || !b->ncells)
		return;
	run_text(o->run, other, sizeof(other));
	doc_p(ctx->doc, "Marked [%s]: %s did not run ok here; %s shown from %s, %s. %s", o->label, b->cells, b->ncells == 1 ? "that cell is" : "those cells are",
	      o->run_dir, other,
	      emulated(o->run) ? "Its figures are emulated (qemu tcg): compare their shape (how "
	      "they grow with N, the ratios between mechanisms) with this machine's, not the "
	      "milliseconds." : "They were measured on another system than the rest of the "
	      "table: compare their shape before their values.");
	report_trust_note(o, &b->trust);
}

/* --beside RUN2 must name a run directory other than RUN's, beside a run
 * (not a compare); exit 2 naming it otherwise. */
