/* evb_csv.c - RFC 4180 reading and writing; see evb_csv.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "evb_csv.h"
#include "evb_sys.h"

void evb_csv_field(FILE *out, const char *text)
{
	if (!text)
		text = "";
	if (!strpbrk(text, ",\"\r\n")) {
		fputs(text, out);
		return;
	}
	fputc('"', out);
	for (const char *c = text; *c; c++) {
		if (*c == '"')
			fputc('"', out);
		fputc(*c, out);
	}
	fputc('"', out);
}

static int buf_put(struct evb_csv_record *rec, char c)
{
	if (rec->buf_len + 1 >= rec->buf_cap) {
		size_t cap = rec->buf_cap ? rec->buf_cap * 2 : 256;
		char *buf = realloc(rec->buf, cap);

		if (!buf)
			return -ENOMEM;
		rec->buf = buf;
		rec->buf_cap = cap;
	}
	rec->buf[rec->buf_len++] = c;
	return 0;
}

/* One byte of a field; -EFBIG once the field passes EVB_CSV_MAX_FIELD_BYTES
 * (its start is the last offset in fields). */
static int buf_putc(struct evb_csv_record *rec, char c)
{
	if (rec->buf_len - (uintptr_t)rec->fields[rec->nfields - 1] >= EVB_CSV_MAX_FIELD_BYTES)
		return -EFBIG;
	return buf_put(rec, c);
}

/* Field starts are kept as offsets while buf may move, then turned into
 * pointers once the record is complete. */
static int field_start(struct evb_csv_record *rec)
{
	if (rec->nfields == EVB_CSV_MAX_FIELDS)
		return -E2BIG;
	if (rec->nfields == rec->cap) {
		size_t cap = rec->cap ? rec->cap * 2 : 16;
		char **fields = realloc(rec->fields, cap * sizeof(*fields));

		if (!fields)
			return -ENOMEM;
		rec->fields = fields;
		rec->cap = cap;
	}
	rec->fields[rec->nfields++] = (char *)(uintptr_t)rec->buf_len;
	return 0;
}

static void record_finish(struct evb_csv_record *rec)
{
	for (size_t i = 0; i < rec->nfields; i++)
		rec->fields[i] = rec->buf + (uintptr_t)rec->fields[i];
}

/* A complete record's storage cut to what it holds: a table keeps many. */
static void record_shrink(struct evb_csv_record *rec)
{
	char **fields;
	char *buf;

	for (size_t i = 0; i < rec->nfields; i++)
		rec->fields[i] = (char *)(uintptr_t)(rec->fields[i] - rec->buf);
	buf = realloc(rec->buf, rec->buf_len);
	if (buf) {
		rec->buf = buf;
		rec->buf_cap = rec->buf_len;
	}
	record_finish(rec);
	fields = realloc(rec->fields, rec->nfields * sizeof(*fields));
	if (fields) {
		rec->fields = fields;
		rec->cap = rec->nfields;
	}
}

/* Character source: a FILE or a string. */
struct source {
	FILE *in;
	const char *text;
	long *line;
	long long *bytes;   /* FILE only */
};

static int source_get(struct source *s)
{
	int c;

	if (s->in)
		c = getc_unlocked(s->in);
	else
		c = *s->text ? (unsigned char)*s->text++ : EOF;
	if (c == '\n')
		(*s->line)++;
	if (c != EOF && s->bytes)
		(*s->bytes)++;
	return c;
}

static int source_peek(struct source *s)
{
	int c;

	if (!s->in)
		return *s->text ? (unsigned char)*s->text : EOF;
	c = getc_unlocked(s->in);
	if (c != EOF)
		ungetc(c, s->in);
	return c;
}

/* The error of a record that could not be stored: -ENOMEM, or -EFBIG for
 * too many fields (-E2BIG from field_start) or too long a one (-EFBIG). */
static int store_error(int ret, const struct evb_csv_record *rec, const char *path,
		       char *error, size_t error_len)
{
	if (ret == -ENOMEM) {
		snprintf(error, error_len, "%s:%ld: out of memory", path, rec->line);
		return ret;
	}
	if (ret == -E2BIG)
		snprintf(error, error_len, "%s:%ld: more than %d fields in a record (the limit)",
			 path, rec->line, EVB_CSV_MAX_FIELDS);
	else
		snprintf(error, error_len, "%s:%ld: a field longer than %d bytes (the limit)",
			 path, rec->line, EVB_CSV_MAX_FIELD_BYTES);
	return -EFBIG;
}

/* The RFC 4180 state machine shared by file and string reading. */
static int read_record(struct source *s, struct evb_csv_record *rec, const char *path,
		       char *error, size_t error_len, int need_newline)
{
	int c = source_get(s), ret;

	rec->nfields = 0;
	rec->buf_len = 0;
	rec->line = *s->line;
	if (c == EOF)
		return 0;
	ret = field_start(rec);
	for (; !ret;) {
		if (c == '"') {
			long quote_line = *s->line;

			for (;;) {
				c = source_get(s);
				if (c == EOF) {
					snprintf(error, error_len,
						 "%s:%ld: unterminated quoted field", path,
						 quote_line);
					return -EINVAL;
				}
				if (c == '"') {
					if (source_peek(s) != '"')
						break;
					c = source_get(s);
				}
				ret = buf_putc(rec, (char)c);
				if (ret)
					return store_error(ret, rec, path, error, error_len);
			}
			c = source_get(s);
			if (c != ',' && c != '\n' && c != '\r' && c != EOF) {
				snprintf(error, error_len,
					 "%s:%ld: text after the closing quote of a field",
					 path, *s->line);
				return -EINVAL;
			}
		}
		if (c == ',') {
			ret = buf_put(rec, '\0');
			if (!ret)
				ret = field_start(rec);
			c = source_get(s);
			continue;
		}
		if (c == '\r' && source_peek(s) == '\n')
			c = source_get(s);
		if (c == '\n' || c == EOF) {
			if (c == EOF && need_newline) {
				snprintf(error, error_len,
					 "%s:%ld: last record is cut off (no newline at end)",
					 path, *s->line);
				return -EINVAL;
			}
			break;
		}
		ret = buf_putc(rec, (char)c);
		c = source_get(s);
	}
	if (!ret)
		ret = buf_put(rec, '\0');
	if (ret)
		return store_error(ret, rec, path, error, error_len);
	record_finish(rec);
	return 1;
}

void evb_csv_reader_init(struct evb_csv_reader *r, FILE *in, const char *path)
{
	memset(r, 0, sizeof(*r));
	r->in = in;
	r->path = path;
	r->line = 1;
	r->max_bytes = EVB_CSV_MAX_FILE_BYTES;
}

int evb_csv_read(struct evb_csv_reader *r, struct evb_csv_record *rec)
{
	struct source s = { .in = r->in, .line = &r->line, .bytes = &r->bytes };
	int ret = read_record(&s, rec, r->path, r->error, sizeof(r->error), 1);

	if (ret > 0 && r->bytes > r->max_bytes) {
		snprintf(r->error, sizeof(r->error), "%s:%ld: more than %lld MiB (the limit)",
			 r->path, rec->line, r->max_bytes >> 20);
		return -EFBIG;
	}
	return ret;
}

int evb_csv_parse_line(const char *text, struct evb_csv_record *rec, char *error,
		       size_t error_len)
{
	long line = 1;
	struct source s = { .text = text, .line = &line };

	return read_record(&s, rec, "output", error, error_len, 0);
}

void evb_csv_record_free(struct evb_csv_record *rec)
{
	free(rec->fields);
	free(rec->buf);
	memset(rec, 0, sizeof(*rec));
}

/* The record that just failed to read started on the file's last line and
 * the file ends inside it: a writer was cut off there. */
static bool cut_off_last(const struct evb_csv_reader *r, const struct evb_csv_record *rec)
{
	return feof(r->in) && r->line == rec->line;
}

static int table_load(struct evb_table *t, const char *path, bool allow_cut)
{
	struct evb_csv_reader r;
	size_t cap = 0;
	struct stat st;
	int ret;
	FILE *in;

	memset(t, 0, sizeof(*t));
	ret = evb_open_regular(AT_FDCWD, path, O_RDONLY, 0);
	in = ret >= 0 ? fdopen(ret, "r") : NULL;
	if (!in) {
		if (ret >= 0) {
			close(ret);
			ret = -errno;
		}
		snprintf(t->error, sizeof(t->error), "%s: %s", path, evb_open_why(ret));
		return ret;
	}
	if (fstat(fileno(in), &st) == 0 && st.st_size > EVB_CSV_MAX_FILE_BYTES) {
		snprintf(t->error, sizeof(t->error), "%s: %lld bytes, more than %ld MiB (the limit)",
			 path, (long long)st.st_size, EVB_CSV_MAX_FILE_BYTES >> 20);
		ret = -EFBIG;
		goto err_free;
	}
	evb_csv_reader_init(&r, in, path);
	ret = evb_csv_read(&r, &t->header);
	if (ret <= 0) {
		snprintf(t->error, sizeof(t->error), "%s", ret ? r.error : "");
		if (!ret)
			snprintf(t->error, sizeof(t->error), "%s:1: empty file, no header",
				 path);
		ret = ret ? ret : -EINVAL;
		goto err_free;
	}
	for (;;) {
		struct evb_csv_record rec = { 0 };

		ret = evb_csv_read(&r, &rec);
		if (ret == 0) {
			evb_csv_record_free(&rec);
			break;
		}
		if (ret == -EINVAL && allow_cut && cut_off_last(&r, &rec)) {
			t->cut_line = rec.line;
			snprintf(t->warning, sizeof(t->warning),
				 "%s:%ld: last line cut off (no newline at the end), ignored",
				 path, rec.line);
			evb_csv_record_free(&rec);
			break;
		}
		if (ret < 0) {
			snprintf(t->error, sizeof(t->error), "%s", r.error);
			evb_csv_record_free(&rec);
			goto err_free;
		}
		if (t->nrows == EVB_CSV_MAX_ROWS) {
			snprintf(t->error, sizeof(t->error),
				 "%s:%ld: more than %d rows (the limit)", path, rec.line,
				 EVB_CSV_MAX_ROWS);
			evb_csv_record_free(&rec);
			ret = -EFBIG;
			goto err_free;
		}
		if (rec.nfields != t->header.nfields) {
			snprintf(t->error, sizeof(t->error),
				 "%s:%ld: %zu fields, the header has %zu", path, rec.line,
				 rec.nfields, t->header.nfields);
			evb_csv_record_free(&rec);
			ret = -EINVAL;
			goto err_free;
		}
		if (t->nrows == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct evb_csv_record *rows = realloc(t->rows, ncap * sizeof(*rows));

			if (!rows) {
				evb_csv_record_free(&rec);
				ret = -ENOMEM;
				goto err_free;
			}
			t->rows = rows;
			cap = ncap;
		}
		record_shrink(&rec);
		t->rows[t->nrows++] = rec;
	}
	fclose(in);
	return 0;

err_free:
	evb_table_free(t);   /* keeps t->error */
	fclose(in);
	return ret;
}

int evb_table_load(struct evb_table *t, const char *path)
{
	return table_load(t, path, false);
}

int evb_table_load_cut(struct evb_table *t, const char *path)
{
	return table_load(t, path, true);
}

void evb_table_free(struct evb_table *t)
{
	for (size_t i = 0; i < t->nrows; i++)
		evb_csv_record_free(&t->rows[i]);
	free(t->rows);
	evb_csv_record_free(&t->header);
	t->rows = NULL;
	t->nrows = 0;
}

int evb_table_col(const struct evb_table *t, const char *name)
{
	for (size_t i = 0; i < t->header.nfields; i++)
		if (strcmp(t->header.fields[i], name) == 0)
			return (int)i;
	return -1;
}

const char *evb_table_get(const struct evb_table *t, size_t row, int col)
{
	if (col < 0 || row >= t->nrows || (size_t)col >= t->rows[row].nfields)
		return "";
	return t->rows[row].fields[col];
}
