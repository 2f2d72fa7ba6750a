/*
 * evb_csv.h - RFC 4180 CSV: writing fields, reading records and tables.
 *
 * Fields are quoted only when they must be (comma, quote, CR or LF inside);
 * a quote inside a quoted field is doubled.  The reader accepts exactly that
 * and reports the line of anything else.
 *
 * The files read come from places evbench does not control, so the reader
 * has limits, each far above what evbench writes (a results.csv row has ~40
 * fields of a few bytes, a big run ~100,000 rows): past one it stops with
 * -EFBIG and an error naming the file and the limit.  A table then costs at
 * most about 10 bytes of memory per byte of its file (a pointer and a NUL
 * per field of ",,,,"), and a short row ~100 bytes.
 */
#ifndef EVB_CSV_H
#define EVB_CSV_H

#include <stddef.h>
#include <stdio.h>

/* Write one field, quoted when needed. */
void evb_csv_field(FILE *out, const char *text);

#define EVB_CSV_MAX_FIELDS 512                  /* per record */
#define EVB_CSV_MAX_FIELD_BYTES (64 * 1024)     /* per field */
#define EVB_CSV_MAX_ROWS 1000000                /* per table, header aside */
#define EVB_CSV_MAX_FILE_BYTES (256L << 20)     /* per file (256 MiB) */

struct evb_csv_record {
	char **fields;
	size_t nfields;
	size_t cap;
	char *buf;          /* field storage */
	size_t buf_len;
	size_t buf_cap;
	long line;          /* first line of the record, 1-based */
};

struct evb_csv_reader {
	FILE *in;
	const char *path;   /* for messages */
	long line;          /* next line to read, 1-based */
	long long bytes;    /* read so far */
	long long max_bytes;  /* EVB_CSV_MAX_FILE_BYTES (a test may lower it) */
	char error[256];
};

void evb_csv_reader_init(struct evb_csv_reader *r, FILE *in, const char *path);

/*
 * Read the next record.  Returns 1, 0 at end of input, -EINVAL with
 * r->error naming path and line (unterminated quote, text after a closing
 * quote, a record cut off without its newline), -EFBIG past a limit above
 * (fields, field bytes, file bytes) or -ENOMEM, r->error naming them too.
 */
int evb_csv_read(struct evb_csv_reader *r, struct evb_csv_record *rec);
void evb_csv_record_free(struct evb_csv_record *rec);

/* Parse one record from a string (a driver's stdout line).  1, 0, -EINVAL,
 * -EFBIG (a limit), -ENOMEM. */
int evb_csv_parse_line(const char *text, struct evb_csv_record *rec, char *error,
		       size_t error_len);

/* A whole file: header plus rows, every row as wide as the header. */
struct evb_table {
	struct evb_csv_record header;
	struct evb_csv_record *rows;
	size_t nrows;
	char error[300];
	long cut_line;       /* line of a cut-off last record that was dropped, or 0 */
	char warning[300];   /* "path:line: last line cut off ..." when cut_line */
};

/*
 * Load path.  Returns 0, -errno when it cannot be opened, -EINVAL with
 * t->error naming path and line (malformed record, wrong number of fields,
 * missing header, truncated last line), or -EFBIG past a limit (the file's
 * size, its rows, or a record's fields or field bytes), t->error naming it.
 */
int evb_table_load(struct evb_table *t, const char *path);

/*
 * Load path, accepting one kind of damage: a last record cut off by an
 * interrupted writer (no newline at the end, or an unterminated quote that
 * opened on that last line).  That record is dropped, t->cut_line gets its
 * line and t->warning says so.  Damage anywhere else is refused as by
 * evb_table_load.
 */
int evb_table_load_cut(struct evb_table *t, const char *path);
void evb_table_free(struct evb_table *t);
/* Column index by name, or -1. */
int evb_table_col(const struct evb_table *t, const char *name);
/* Field of row at column col, "" when col < 0. */
const char *evb_table_get(const struct evb_table *t, size_t row, int col);

#endif
