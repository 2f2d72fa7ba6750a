/* test_csv.c - RFC 4180 quoting round trip, malformed input, the row schema. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "evb_csv.h"
#include "evb_row.h"
#include "testutil.h"

static const char *const tricky[] = {
	"plain", "", "with,comma", "with \"quotes\"", "line\nbreak", "\"", ",", "crlf\r\nend",
	"  spaces  ", NULL,
};

START_TEST(quoting_round_trip)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct evb_csv_record rec = { 0 };
	struct evb_csv_reader r;
	int n = 0;

	for (int i = 0; tricky[i]; i++) {
		if (i)
			fputc(',', f);
		evb_csv_field(f, tricky[i]);
		n++;
	}
	fputc('\n', f);
	fclose(f);
	ck_assert(strstr(buf, "plain,,\"with,comma\"") == buf);

	f = fmemopen(buf, len, "r");
	evb_csv_reader_init(&r, f, "mem");
	ck_assert_int_eq(evb_csv_read(&r, &rec), 1);
	ck_assert_int_eq(rec.nfields, n);
	for (int i = 0; tricky[i]; i++)
		ck_assert_str_eq(rec.fields[i], tricky[i]);
	ck_assert_int_eq(evb_csv_read(&r, &rec), 0);
	evb_csv_record_free(&rec);
	fclose(f);
	free(buf);
}
END_TEST

static int parse_text(const char *text, char *error, size_t len)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct evb_csv_record rec = { 0 };
	struct evb_csv_reader r;
	int ret;

	evb_csv_reader_init(&r, f, "t.csv");
	while ((ret = evb_csv_read(&r, &rec)) > 0)
		;
	snprintf(error, len, "%s", r.error);
	evb_csv_record_free(&rec);
	fclose(f);
	return ret;
}

START_TEST(malformed_input_names_the_line)
{
	char error[256];

	ck_assert_int_eq(parse_text("a,b\n1,\"open\n", error, sizeof(error)), -EINVAL);
	ck_assert_msg(tu_contains(error, "t.csv:2") && tu_contains(error, "unterminated"),
		      "%s", error);
	ck_assert_int_eq(parse_text("a,b\n1,\"x\"y\n", error, sizeof(error)), -EINVAL);
	ck_assert_msg(tu_contains(error, "t.csv:2"), "%s", error);
	ck_assert_int_eq(parse_text("a,b\n1,2\n3,4", error, sizeof(error)), -EINVAL);
	ck_assert_msg(tu_contains(error, "cut off"), "%s", error);
	ck_assert_int_eq(parse_text("a,b\n1,2\n", error, sizeof(error)), 0);
}
END_TEST

START_TEST(table_rejects_ragged_rows)
{
	char path[] = "/tmp/evbcsv.XXXXXX";
	int fd = mkstemp(path);
	struct evb_table t;
	FILE *f = fdopen(fd, "w");

	fputs("x,y\n1,2\n3\n", f);
	fclose(f);
	ck_assert_int_eq(evb_table_load(&t, path), -EINVAL);
	ck_assert_msg(tu_contains(t.error, ":3:") && tu_contains(t.error, "1 fields"), "%s",
		      t.error);
	f = fopen(path, "w");
	fputs("x,y\n1,2\n\"3\",\"a,b\"\n", f);
	fclose(f);
	ck_assert_int_eq(evb_table_load(&t, path), 0);
	ck_assert_int_eq(t.nrows, 2);
	ck_assert_str_eq(evb_table_get(&t, 1, evb_table_col(&t, "y")), "a,b");
	ck_assert_int_eq(evb_table_col(&t, "nope"), -1);
	evb_table_free(&t);
	unlink(path);
}
END_TEST

/* path holding what fill writes; evb_table_load's return, t->error kept. */
static int load_written(struct evb_table *t, void (*fill)(FILE *f))
{
	char path[] = "/tmp/evbcsv.XXXXXX";
	int fd = mkstemp(path), ret;
	FILE *f = fdopen(fd, "w");

	ck_assert_ptr_nonnull(f);
	fill(f);
	ck_assert_int_eq(fclose(f), 0);
	ret = evb_table_load(t, path);
	if (!ret)
		evb_table_free(t);
	unlink(path);
	return ret;
}

static void wide_header(FILE *f)
{
	for (int i = 0; i <= EVB_CSV_MAX_FIELDS; i++)
		fprintf(f, "%sc%d", i ? "," : "", i);
	fputc('\n', f);
}

static void widest_header(FILE *f)
{
	for (int i = 0; i < EVB_CSV_MAX_FIELDS; i++)
		fprintf(f, "%sc%d", i ? "," : "", i);
	fputc('\n', f);
}

static void long_field(FILE *f)
{
	fputs("x\n\"", f);
	for (int i = 0; i <= EVB_CSV_MAX_FIELD_BYTES; i++)
		fputc('a', f);
	fputs("\"\n", f);
}

static void longest_field(FILE *f)
{
	fputs("x\n", f);
	for (int i = 0; i < EVB_CSV_MAX_FIELD_BYTES; i++)
		fputc('a', f);
	fputc('\n', f);
}

static void many_rows(FILE *f)
{
	fputs("x\n", f);
	for (int i = 0; i <= EVB_CSV_MAX_ROWS; i++)
		fputs("1\n", f);
}

static void big_file(FILE *f)
{
	fputs("x\n1\n", f);
	fflush(f);
	ck_assert_int_eq(ftruncate(fileno(f), EVB_CSV_MAX_FILE_BYTES + 1), 0);
}

/* Each limit refuses with -EFBIG naming the file and the limit; at the
 * limit the file still loads. */
START_TEST(table_limits)
{
	struct evb_table t;

	ck_assert_int_eq(load_written(&t, wide_header), -EFBIG);
	ck_assert_msg(tu_contains(t.error, "/tmp/evbcsv.") && tu_contains(t.error, ":1:") &&
		      tu_contains(t.error, "more than 512 fields"), "%s", t.error);
	ck_assert_int_eq(load_written(&t, widest_header), 0);
	ck_assert_int_eq(load_written(&t, long_field), -EFBIG);
	ck_assert_msg(tu_contains(t.error, ":2:") && tu_contains(t.error, "65536 bytes"), "%s",
		      t.error);
	ck_assert_int_eq(load_written(&t, longest_field), 0);
	ck_assert_int_eq(load_written(&t, many_rows), -EFBIG);
	ck_assert_msg(tu_contains(t.error, ":1000002:") &&
		      tu_contains(t.error, "more than 1000000 rows"), "%s", t.error);
	ck_assert_int_eq(load_written(&t, big_file), -EFBIG);
	ck_assert_msg(tu_contains(t.error, "more than 256 MiB"), "%s", t.error);
}
END_TEST

/* Endless or unsized input (a pipe, /dev/zero) stops at a limit too. */
START_TEST(reader_limits_on_streams)
{
	struct evb_csv_record rec = { 0 };
	struct evb_csv_reader r;
	FILE *zero = fopen("/dev/zero", "r");
	int fds[2], ret;
	pid_t pid;
	FILE *in;

	ck_assert_ptr_nonnull(zero);
	evb_csv_reader_init(&r, zero, "/dev/zero");
	ck_assert_int_eq(evb_csv_read(&r, &rec), -EFBIG);
	ck_assert_msg(tu_contains(r.error, "/dev/zero:1: a field longer than"), "%s", r.error);
	fclose(zero);

	/* 3 MiB of legal rows through a pipe, the limit lowered to 2 MiB (the
	 * real one is reached the same way, and its message is the table's). */
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		static char row[64 * 1024];
		FILE *out = fdopen(fds[1], "w");

		close(fds[0]);
		memset(row, 'a', sizeof(row) - 1);
		row[sizeof(row) - 1] = '\n';
		fputs("x\n", out);
		for (int i = 0; i < 3 * 16 && fwrite(row, sizeof(row), 1, out) == 1; i++)
			;
		_exit(0);
	}
	close(fds[1]);
	in = fdopen(fds[0], "r");
	evb_csv_reader_init(&r, in, "pipe");
	r.max_bytes = 2 << 20;
	while ((ret = evb_csv_read(&r, &rec)) > 0)
		;
	ck_assert_int_eq(ret, -EFBIG);
	ck_assert_msg(tu_contains(r.error, "pipe:") && tu_contains(r.error, "more than 2 MiB"),
		      "%s", r.error);
	fclose(in);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	evb_csv_record_free(&rec);
}
END_TEST

START_TEST(row_write_parse_round_trip)
{
	struct evb_row row, back;
	char *buf = NULL, error[256];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct evb_csv_record rec = { 0 };

	evb_row_init(&row);
	evb_row_set(&row, family, "notify");
	evb_row_set(&row, mechanism, "eventfd");
	evb_row_set(&row, status, "skipped");
	evb_row_set(&row, reason, "io_uring disabled (kernel.io_uring_disabled=2), \"quoted\"");
	row.nfds = 100000;
	row.p50 = 1234;
	row.mean = 1234.5;
	row.ops_per_s = 1875790.25;
	evb_row_write(f, &row);
	fclose(f);
	ck_assert_int_eq(evb_csv_parse_line(buf, &rec, error, sizeof(error)), 1);
	ck_assert_int_eq(rec.nfields, EVB_ROW_NCOLS);
	ck_assert_int_eq(evb_row_parse(&back, rec.fields, rec.nfields, error, sizeof(error)), 0);
	ck_assert_str_eq(back.reason, row.reason);
	ck_assert_int_eq(back.nfds, 100000);
	ck_assert_int_eq(back.p50, 1234);
	ck_assert_int_eq(back.period_ns, EVB_NA);
	ck_assert(isnan(back.stddev));
	ck_assert(back.ops_per_s == 1875790.25);   /* no exponent notation loss */
	evb_csv_record_free(&rec);
	free(buf);
}
END_TEST

START_TEST(row_parse_rejects_bad_numbers)
{
	struct evb_row row;
	char *fields[EVB_ROW_NCOLS];
	char error[256];

	for (int i = 0; i < EVB_ROW_NCOLS; i++)
		fields[i] = "";
	fields[8] = "12abc";   /* nfds */
	ck_assert_int_eq(evb_row_parse(&row, fields, EVB_ROW_NCOLS, error, sizeof(error)),
			 -EINVAL);
	ck_assert_msg(tu_contains(error, "nfds") && tu_contains(error, "12abc"), "%s", error);
	ck_assert_int_eq(evb_row_parse(&row, fields, 3, error, sizeof(error)), -EINVAL);
}
END_TEST

START_TEST(header_matches_design_order)
{
	/* The original columns (docs/design.md, "results.csv"), in order, come first
	 * among the schema's. */
	static const char *const design[] = {
		"run_id", "family", "mechanism", "variant", "mode", "ipc", "placement",
		"fd_type", "nfds", "active", "period_ns", "rep", "status", "reason", "metric",
		"unit", "samples", "min", "p50", "p90", "p99", "p999", "max", "mean", "stddev",
		"ops_per_s", "sent", "delivered", "lost", "wakeups", "overruns", "wall_ns",
		"cpu_user_ns", "cpu_sys_ns", "max_rss_kb", "clock_overhead_ns", NULL,
	};
	int col = 0;

	for (int i = 0; design[i]; i++) {
		while (col < EVB_ROW_NCOLS && strcmp(evb_row_column_names[col], design[i]) != 0)
			col++;
		ck_assert_msg(col < EVB_ROW_NCOLS, "column %s missing or out of order", design[i]);
	}
}
END_TEST

static int load_text(struct evb_table *t, const char *text, bool cut_ok)
{
	char path[] = "/tmp/evbcsv.XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	int ret;

	ck_assert(f != NULL);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	ret = cut_ok ? evb_table_load_cut(t, path) : evb_table_load(t, path);
	unlink(path);
	return ret;
}

START_TEST(table_cut_last_line)
{
	struct evb_table t;

	/* Strict load refuses a missing final newline ... */
	ck_assert_int_eq(load_text(&t, "x,y\n1,2\n3,", false), -EINVAL);
	ck_assert_msg(tu_contains(t.error, ":3:") && tu_contains(t.error, "cut off"), "%s",
		      t.error);
	/* ... the tolerant one drops that record and says where. */
	ck_assert_int_eq(load_text(&t, "x,y\n1,2\n3,", true), 0);
	ck_assert_uint_eq(t.nrows, 1);
	ck_assert_int_eq(t.cut_line, 3);
	ck_assert_msg(tu_contains(t.warning, ":3: last line cut off"), "%s", t.warning);
	evb_table_free(&t);
	/* A quote opened on the last line and never closed: cut off too. */
	ck_assert_int_eq(load_text(&t, "x,y\n1,2\n3,\"ab", true), 0);
	ck_assert_uint_eq(t.nrows, 1);
	evb_table_free(&t);
	/* An intact file: no warning. */
	ck_assert_int_eq(load_text(&t, "x,y\n1,2\n", true), 0);
	ck_assert_int_eq(t.cut_line, 0);
	ck_assert_str_eq(t.warning, "");
	evb_table_free(&t);
	/* Damage before the last line is still refused, with its line. */
	ck_assert_int_eq(load_text(&t, "x,y\n1\n3,4\n5,", true), -EINVAL);
	ck_assert_msg(tu_contains(t.error, ":2:"), "%s", t.error);
	/* A quote that opens mid-file and runs to the end is not a cut line. */
	ck_assert_int_eq(load_text(&t, "x,y\n1,\"2\n3,4\n5,6", true), -EINVAL);
	ck_assert_msg(tu_contains(t.error, ":2:") && tu_contains(t.error, "unterminated"), "%s",
		      t.error);
	/* Header only, cut: no header, refused. */
	ck_assert_int_eq(load_text(&t, "x,y", true), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("csv");
	TCase *tc = tcase_create("csv");

	tcase_set_timeout(tc, 60);   /* the limits: 1,000,001 rows */

	tcase_add_test(tc, quoting_round_trip);
	tcase_add_test(tc, malformed_input_names_the_line);
	tcase_add_test(tc, table_rejects_ragged_rows);
	tcase_add_test(tc, row_write_parse_round_trip);
	tcase_add_test(tc, row_parse_rejects_bad_numbers);
	tcase_add_test(tc, header_matches_design_order);
	tcase_add_test(tc, table_cut_last_line);
	tcase_add_test(tc, table_limits);
	tcase_add_test(tc, reader_limits_on_streams);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
