/*
 * test_fuzz.c - mutated results.csv files (truncations, deleted and
 * duplicated fields and lines, garbage and huge numbers, empty cells, NaN,
 * stray quotes; sometimes in sentinel.csv, plan.csv and env.csv too) fed
 * to `evbench summarize`, `report` and `compare` (of two runs, and of three
 * with the mutant in the middle, then the report of that compare): each
 * exits 0 or 2, never dies of a signal or a sanitizer report.  Run it in
 * an EVB_SANITIZE build to make the last part mean something.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evb_sb.h"
#include "evb_stats.h"
#include "fixture.h"
#include "testutil.h"

#define ROUNDS 150

static const char *const garbage[] = {
	"", "nan", "NaN", "-nan", "inf", "-inf", "1e999", "-1e308", "99999999999999999999",
	"-9223372036854775808", "0", "-1", "0x10", "abc", "\"", "\"\"", "1,2", "12abc", " 5",
	"ok", "skipped", "failed", "ops/s", "ns", "\xff\xfe", NULL,
};

/* Offsets of line starts in text; count. */
static size_t line_starts(const char *text, size_t len, size_t *starts, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n < max; i++)
		if (i == 0 || text[i - 1] == '\n')
			starts[n++] = i;
	return n;
}

/* [*from, *to) of a random field of a random line. */
static void pick_field(const char *text, size_t len, struct evb_rng *rng, size_t *from,
		       size_t *to)
{
	size_t starts[4096];
	size_t n = line_starts(text, len, starts, 4096);
	size_t line = evb_rng_below(rng, n ? n : 1);
	size_t pos = n ? starts[line] : 0, end = pos;

	while (end < len && text[end] != '\n')
		end++;
	size_t target = pos + evb_rng_below(rng, end - pos + 1);

	*from = target;
	while (*from > pos && text[*from - 1] != ',')
		(*from)--;
	*to = target;
	while (*to < end && text[*to] != ',')
		(*to)++;
}

/* One mutation of text (length *len, capacity cap). */
static void mutate(char *text, size_t *len, size_t cap, struct evb_rng *rng)
{
	size_t from, to, l = *len;
	char piece[256];

	pick_field(text, l, rng, &from, &to);
	switch (evb_rng_below(rng, 7)) {
	case 0:   /* truncate anywhere */
		*len = evb_rng_below(rng, l + 1);
		break;
	case 1:   /* delete a field and its comma */
		if (to < l && text[to] == ',')
			to++;
		memmove(text + from, text + to, l - to);
		*len = l - (to - from);
		break;
	case 2:   /* duplicate a field */
		evb_sb_fmt(piece, sizeof(piece), "%.*s,", (int)(to - from), text + from);
		goto insert;
	case 3:   /* replace a field with garbage */
		snprintf(piece, sizeof(piece), "%s",
			 garbage[evb_rng_below(rng, sizeof(garbage) / sizeof(*garbage) - 1)]);
		memmove(text + from, text + to, l - to);
		l -= to - from;
		to = from;
		goto insert;
	case 4:   /* delete from here to the end of the line */
		while (to < l && text[to] != '\n')
			to++;
		memmove(text + from, text + to, l - to);
		*len = l - (to - from);
		break;
	case 5:   /* a stray character */
		snprintf(piece, sizeof(piece), "%c", "\",\n\r\xff"[evb_rng_below(rng, 5)]);
		goto insert;
	default:  /* a huge number */
		snprintf(piece, sizeof(piece), "%llu%llu",
			 (unsigned long long)evb_rng_next(rng), (unsigned long long)evb_rng_next(rng));
		memmove(text + from, text + to, l - to);
		l -= to - from;
		to = from;
		goto insert;
	}
	return;
insert:
	if (l + strlen(piece) >= cap) {
		*len = l;
		return;
	}
	memmove(text + from + strlen(piece), text + from, l - from);
	memcpy(text + from, piece, strlen(piece));
	*len = l + strlen(piece);
}

/* Exit status of the command, after checking it is 0 or 2. */
static int expect_0_or_2(const char *const *args)
{
	struct evb_spawn_result res = tu_run("evbench", args, 30);

	ck_assert_msg(res.end == EVB_SPAWN_EXITED, "evbench %s died (signal %d): %s", args[0],
		      res.term_signal, tu_stderr());
	ck_assert_msg(res.exit_status == 0 || res.exit_status == 2,
		      "evbench %s exited %d: %s", args[0], res.exit_status, tu_stderr());
	ck_assert_msg(!tu_contains(tu_stderr(), "runtime error") &&
		      !tu_contains(tu_stderr(), "Sanitizer"), "%s", tu_stderr());
	evb_spawn_result_free(&res);
	return res.exit_status;
}

/*
 * Write base/name mutated 1-3 times into dir/name.  Files other than
 * results.csv (sentinel.csv, plan.csv, env.csv) are mutated in a third of
 * the rounds only, and otherwise copied intact.
 */
static void write_mutant(const char *base, const char *dir, const char *name,
			 struct evb_rng *rng, bool always)
{
	char path[700];
	size_t len, n;
	char *original, *text;

	snprintf(path, sizeof(path), "%s/%s", base, name);
	original = fx_read_file(path, &len);
	text = malloc(len + 4096 + 1);
	ck_assert(text != NULL);
	memcpy(text, original, len);
	n = len;
	if (always || evb_rng_below(rng, 3) == 0)
		for (size_t m = 1 + evb_rng_below(rng, 3); m > 0; m--)
			mutate(text, &n, len + 4096, rng);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	ck_assert(f != NULL);
	ck_assert_uint_eq(fwrite(text, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
	free(text);
	free(original);
}

START_TEST(mutated_results_never_crash)
{
	struct fx_run spec = { .ncells = 20, .reps = 3, .scale = 1.0, .cv = 0.05, .seed = 21,
			       .sentinel = true, .plan = true,
			       .env_extra = "run_precision_pct,3\nrun_max_reps,5\n" };
	char tmp[512], base[600], dir[600], out[700], path[700];
	struct evb_rng rng;
	size_t accepted[3] = { 0 };

	tu_tmpdir(tmp, sizeof(tmp));
	snprintf(base, sizeof(base), "%s/base", tmp);
	snprintf(dir, sizeof(dir), "%s/mutant", tmp);
	ck_assert_int_eq(mkdir(base, 0755), 0);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	fx_write_run(base, &spec);
	evb_rng_seed(&rng, 0xf022);
	for (int round = 0; round < ROUNDS; round++) {
		write_mutant(base, dir, "results.csv", &rng, true);
		write_mutant(base, dir, "sentinel.csv", &rng, false);
		write_mutant(base, dir, "plan.csv", &rng, false);
		write_mutant(base, dir, "env.csv", &rng, false);
		snprintf(path, sizeof(path), "%s/summary.csv", dir);
		unlink(path);
		snprintf(out, sizeof(out), "%s/cmp%d", tmp, round);
		accepted[0] += !expect_0_or_2((const char *const[]){ "summarize", dir, NULL });
		accepted[1] += !expect_0_or_2((const char *const[]){ "report", dir, NULL });
		accepted[2] += !expect_0_or_2((const char *const[]){ "compare", dir, base, "--out",
								     out, NULL });
		if (round % 3)
			continue;
		/* Three runs, the mutant in the middle, and the page of that compare. */
		snprintf(out, sizeof(out), "%s/nway%d", tmp, round);
		if (!expect_0_or_2((const char *const[]){ "compare", base, dir, base, "--out", out,
							  NULL }))
			expect_0_or_2((const char *const[]){ "report", out, NULL });
	}
	/* Both paths taken: some mutants are read, some refused. */
	fprintf(stderr, "fuzz: of %d mutants, accepted by summarize %zu, report %zu, "
		"compare %zu\n", ROUNDS, accepted[0], accepted[1], accepted[2]);
	ck_assert(accepted[0] > 0 && accepted[0] < ROUNDS);
	ck_assert(accepted[2] > 0 && accepted[2] < ROUNDS);
	tu_rmtree(tmp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fuzz");
	TCase *tc = tcase_create("fuzz");

	tcase_set_timeout(tc, 110);
	tcase_add_test(tc, mutated_results_never_crash);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
