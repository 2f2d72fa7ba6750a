/*
 * compare_nway_out.c - an N-way comparison written out: the header and the
 * table on stdout, compare.csv (and --csv) and --json with one record per
 * cell x run (runs 2..n, each against the baseline), and compare_runs.csv,
 * one row per run with its directory and environment.  Every file's writes
 * are checked: a failed one returns -errno.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "compare.h"
#include "evb_csv.h"
#include "harness.h"
#include "summary.h"

/* The baseline's side of key k (from any pair), or NULL. */
static const struct cmp_cell *base_cell(const struct cmp_nway *nw, size_t k)
{
	for (size_t i = 0; i < nw->npairs; i++) {
		const struct cmp_cell *cell = nw->at[k * nw->npairs + i];

		if (cell && cell->side[0].present)
			return cell;
	}
	return NULL;
}

static void print_env(const struct cmp_nway *nw, FILE *out)
{
	int diffs = 0;

	for (int i = 0; cmp_env_keys[i]; i++) {
		const char *first = harness_run_env(&nw->pair[0]->run[0], cmp_env_keys[i]);
		bool differ = false;

		for (size_t p = 0; p < nw->npairs && !differ; p++)
			differ = strcmp(first, harness_run_env(&nw->pair[p]->run[1], cmp_env_keys[i]));
		if (!differ)
			continue;
		if (!diffs++)
			fprintf(out, "environment differences that could explain a change:\n");
		fprintf(out, "  %-22s 1: %.60s\n", cmp_env_keys[i], first);
		for (size_t p = 0; p < nw->npairs; p++)
			fprintf(out, "  %-22s %zu: %.60s\n", "", p + 2,
				harness_run_env(&nw->pair[p]->run[1], cmp_env_keys[i]));
	}
	if (!diffs)
		fprintf(out, "environment: no difference in the recorded keys\n");
}

static void print_header(const struct cmp_nway *nw, FILE *out)
{
	for (size_t r = 0; r < nw->nruns; r++) {
		const struct harness_run *run = r ? &nw->pair[r - 1]->run[1] : &nw->pair[0]->run[0];

		fprintf(out, "%zu: %s%s\n   kernel %s on %s, profile %s, %s%s\n", r + 1, run->dir,
			r ? "" : " (baseline)", harness_run_env(run, "kernel_release"),
			harness_run_env(run, "hostname"), harness_run_env(run, "run_profile"),
			run->complete ? "complete" : run->state,
			cmp_run_emulated(run) ? ", emulated (vm_accel=tcg)" : "");
	}
	print_env(nw, out);
	for (size_t p = 0; p < nw->npairs; p++) {
		const struct cmp *c = nw->pair[p];
		char prefix[64];

		snprintf(prefix, sizeof(prefix), "run %zu against 1: ", p + 2);
		cmp_print_sentinels(c, out, prefix);
		if (c->accel_mismatch)
			fprintf(out, "no faster/slower for run %zu: %s ran emulated (vm_accel=tcg), "
				"%s on hardware; compare TCG runs only with TCG runs\n", p + 2,
				cmp_run_emulated(&c->run[1]) ? "it" : "the baseline",
				cmp_run_emulated(&c->run[1]) ? "the baseline" : "it");
		fprintf(out, "run %zu against 1 (A: run 1, B: run %zu): %s\n", p + 2, p + 2,
			c->plan_note);
	}
	fprintf(out, "verdict: faster/slower when q (Benjamini-Hochberg over Welch's t on logs, "
		"every cell x run) < %.2f and run/baseline lies beyond 1 +- %.3g%%\n", CMP_ALPHA,
		100.0 * nw->pair[0]->min_change);
	cmp_print_interval_note(out);
	for (size_t p = 0; p < nw->npairs; p++)
		if (nw->pair[p]->blocked)
			fprintf(out, "run %zu against 1: %zu cells came in interleaved rounds on "
				"both sides: %s\n", p + 2, nw->pair[p]->blocked, cmp_rounds_note);
}

void cmp_nway_print(const struct cmp_nway *nw, FILE *out)
{
	print_header(nw, out);
	fprintf(out, "\n%-70s %-10s %4s %12s %8s %-" CMP_CI_WIDTH "s %7s %7s %s\n", "cell",
		"figure", "run", "median", "ratio", "interval, coverage", "p", "q", "verdict");
	for (size_t k = 0; k < nw->nkeys; k++) {
		const struct cmp *any;
		const struct cmp_cell *cell = cmp_nway_any(nw, k, &any), *base = base_cell(nw, k);
		char label[512];

		cmp_cell_label(any, cell, label, sizeof(label));
		fprintf(out, "%-70.70s %-10s %4d ", label, cell->figure ? cell->figure : "-", 1);
		cmp_print_num(out, base ? base->med[0] : NAN);
		fprintf(out, "%s\n", base ? "" : " (not in baseline)");
		for (size_t p = 0; p < nw->npairs; p++) {
			const struct cmp_cell *c = nw->at[k * nw->npairs + p];
			char ci[64], pv[16] = "-", q[16] = "-";

			fprintf(out, "%-70s %-10s %4zu", "", "", p + 2);
			if (!c) {
				fprintf(out, " %12s %8s %-" CMP_CI_WIDTH "s %7s %7s in neither\n",
					"-", "-", "-", "-", "-");
				continue;
			}
			cmp_ci_text(c, ci, sizeof(ci));
			if (isfinite(c->p))
				snprintf(pv, sizeof(pv), "%.3g", c->p);
			if (isfinite(c->q))
				snprintf(q, sizeof(q), "%.3g", c->q);
			fputc(' ', out);   /* after the run column */
			cmp_print_num(out, c->med[1]);
			if (isfinite(c->ratio))
				fprintf(out, " %8.3f", c->ratio);
			else
				fprintf(out, " %8s", "-");
			fprintf(out, " %-" CMP_CI_WIDTH "s %7s %7s %s\n", ci, pv, q, c->verdict);
		}
	}
}

static const char *precision_of(const struct cmp_cell *cell, int s)
{
	if (!cell || !cell->side[s].present)
		return "";
	return harness_precision_names[cell->side[s].precision.state];
}

/* The columns after the axes; numeric ones are bare in JSON (null when empty). */
#define NWAY_FIELDS(X)                                                               \
	X(figure, 0) X(run, 1) X(run_name, 0) X(present_in, 0) X(reps_ok_base, 1)    \
	X(reps_total_base, 1) X(reps_ok, 1) X(reps_total, 1) X(median_base, 1)       \
	X(median, 1) X(ratio, 1) X(ratio_ci_lo, 1) X(ratio_ci_hi, 1) X(ci_coverage, 1) \
	X(p_value, 1) X(p_mwu, 1) X(q_value, 1) X(detectable_ratio, 1)                 \
	X(precision_base, 0) X(precision, 0) X(verdict, 0) X(warning, 0)
#define NWAY_ENUM(name, num) NF_##name,
enum { NWAY_FIELDS(NWAY_ENUM) NF_COUNT };
#define NWAY_NAME(name, num) #name,
static const char *const field_names[] = { NWAY_FIELDS(NWAY_NAME) };
#define NWAY_NUM(name, num) num,
static const bool field_numeric[] = { NWAY_FIELDS(NWAY_NUM) };

static void put_num(char *buf, size_t len, double v)
{
	if (isfinite(v))
		snprintf(buf, len, "%.10g", v);
	else
		buf[0] = '\0';
}

/* Key k against run p + 2, as text per field. */
static void record(const struct cmp_nway *nw, size_t k, size_t p, char v[][280])
{
	const struct cmp *any;
	const struct cmp_cell *cell = cmp_nway_any(nw, k, &any);
	const struct cmp_cell *c = nw->at[k * nw->npairs + p], *base = base_cell(nw, k);

	snprintf(v[NF_figure], 280, "%s", cell->figure ? cell->figure : "");
	snprintf(v[NF_run], 280, "%zu", p + 2);
	snprintf(v[NF_run_name], 280, "%s", nw->names[p + 1]);
	cmp_nway_present(nw, k, v[NF_present_in], 280);
	snprintf(v[NF_reps_ok_base], 280, "%zu", base ? base->side[0].n : 0);
	snprintf(v[NF_reps_total_base], 280, "%zu", base ? base->side[0].total : 0);
	snprintf(v[NF_reps_ok], 280, "%zu", c ? c->side[1].n : 0);
	snprintf(v[NF_reps_total], 280, "%zu", c ? c->side[1].total : 0);
	put_num(v[NF_median_base], 280, base ? base->med[0] : NAN);
	put_num(v[NF_median], 280, c ? c->med[1] : NAN);
	put_num(v[NF_ratio], 280, c ? c->ratio : NAN);
	put_num(v[NF_ratio_ci_lo], 280, c ? c->lo : NAN);
	put_num(v[NF_ratio_ci_hi], 280, c ? c->hi : NAN);
	put_num(v[NF_ci_coverage], 280, c ? c->level : NAN);
	put_num(v[NF_p_value], 280, c ? c->p : NAN);
	put_num(v[NF_p_mwu], 280, c ? c->p_mwu : NAN);
	put_num(v[NF_q_value], 280, c ? c->q : NAN);
	if (c && isinf(c->detect))
		snprintf(v[NF_detectable_ratio], 280, "inf");   /* JSON: null */
	else
		put_num(v[NF_detectable_ratio], 280, c ? c->detect : NAN);
	snprintf(v[NF_precision_base], 280, "%s", precision_of(base, 0));
	snprintf(v[NF_precision], 280, "%s", precision_of(c, 1));
	snprintf(v[NF_verdict], 280, "%s", c ? c->verdict : "in neither");
	snprintf(v[NF_warning], 280, "%s", c ? c->warning : "");
}

int cmp_nway_csv(const struct cmp_nway *nw, const char *path)
{
	FILE *f = fopen(path, "w");
	char v[NF_COUNT][280];

	if (!f)
		return -errno;
	for (size_t i = 0; harness_axis_columns[i]; i++)
		fprintf(f, "%s,", harness_axis_columns[i]);
	for (int i = 0; i < NF_COUNT; i++)
		fprintf(f, "%s%c", field_names[i], i + 1 < NF_COUNT ? ',' : '\n');
	for (size_t k = 0; k < nw->nkeys; k++) {
		const struct cmp *any;
		const struct cmp_cell *cell = cmp_nway_any(nw, k, &any);

		for (size_t p = 0; p < nw->npairs; p++) {
			record(nw, k, p, v);
			for (size_t a = 0; harness_axis_columns[a]; a++) {
				evb_csv_field(f, cmp_cell_axis(any, cell, a));
				fputc(',', f);
			}
			for (int i = 0; i < NF_COUNT; i++) {
				evb_csv_field(f, v[i]);
				fputc(i + 1 < NF_COUNT ? ',' : '\n', f);
			}
		}
	}
	return cmp_close_checked(f);
}

static void json_record(const struct cmp_nway *nw, size_t k, size_t p, FILE *f)
{
	const struct cmp *any;
	const struct cmp_cell *cell = cmp_nway_any(nw, k, &any);
	char v[NF_COUNT][280];

	record(nw, k, p, v);
	fputc('{', f);
	for (size_t a = 0; harness_axis_columns[a]; a++) {
		cmp_json_str(f, harness_axis_columns[a]);
		fputc(':', f);
		cmp_json_str(f, cmp_cell_axis(any, cell, a));
		fputc(',', f);
	}
	for (int i = 0; i < NF_COUNT; i++) {
		cmp_json_str(f, field_names[i]);
		fputc(':', f);
		if (!field_numeric[i])
			cmp_json_str(f, v[i]);
		else
			fputs(v[i][0] && strcmp(v[i], "inf") ? v[i] : "null", f);
		fputs(i + 1 < NF_COUNT ? "," : "}", f);
	}
}

/* The header (runs, counts per verdict) and "cells": compare.csv's records. */
int cmp_nway_json(const struct cmp_nway *nw, const char *path)
{
	FILE *f = fopen(path, "w");
	bool first = true;

	if (!f)
		return -errno;
	fputs("{\"baseline\":", f);
	cmp_json_str(f, nw->pair[0]->run[0].dir);
	fputs(",\"runs\":[", f);
	for (size_t r = 0; r < nw->nruns; r++) {
		fputs(r ? "," : "", f);
		cmp_json_str(f, r ? nw->pair[r - 1]->run[1].dir : nw->pair[0]->run[0].dir);
	}
	fprintf(f, "],\"alpha\":%g,\"min_change_pct\":%.10g,\"counts\":{", CMP_ALPHA,
		100.0 * nw->pair[0]->min_change);
	for (int k = 0; k < CMP_NCLASSES; k++) {
		fputs(k ? "," : "", f);
		cmp_json_str(f, cmp_class_names[k]);
		fprintf(f, ":%zu", nw->counts[k]);
	}
	fputs("},\"cells\":[", f);
	for (size_t k = 0; k < nw->nkeys; k++) {
		for (size_t p = 0; p < nw->npairs; p++) {
			fputs(first ? "\n" : ",\n", f);
			first = false;
			json_record(nw, k, p, f);
		}
	}
	fputs("\n]}\n", f);
	return cmp_close_checked(f);
}

int cmp_nway_runs_csv(const struct cmp_nway *nw, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fputs("run,name,dir", f);
	for (int i = 0; cmp_env_keys[i]; i++)
		fprintf(f, ",%s", cmp_env_keys[i]);
	fputc('\n', f);
	for (size_t r = 0; r < nw->nruns; r++) {
		const struct harness_run *run = r ? &nw->pair[r - 1]->run[1] : &nw->pair[0]->run[0];

		fprintf(f, "%zu,", r + 1);
		evb_csv_field(f, nw->names[r]);
		fputc(',', f);
		evb_csv_field(f, run->dir);
		for (int i = 0; cmp_env_keys[i]; i++) {
			fputc(',', f);
			evb_csv_field(f, harness_run_env(run, cmp_env_keys[i]));
		}
		fputc('\n', f);
	}
	return cmp_close_checked(f);
}
