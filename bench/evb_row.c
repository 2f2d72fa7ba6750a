/* evb_row.c - results.csv rows: header, writer, parser; see evb_row.h. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evb_csv.h"
#include "evb_row.h"
#include "evb_sb.h"

#define EVB_ROW_NAME(kind, name) #name,
const char *const evb_row_column_names[] = { EVB_ROW_COLUMNS(EVB_ROW_NAME) NULL };

#define EVB_AXIS_ENTRY(kind, column, opt, slug_prefix, label_prefix) \
	{ .name = #column, .flag = opt, .slug = slug_prefix, .label = label_prefix },
const struct evb_axis evb_axes[] = { EVB_AXES(EVB_AXIS_ENTRY) };
_Static_assert(sizeof(evb_axes) / sizeof(evb_axes[0]) == EVB_NAXES, "one entry per axis");

static const char *axis_i64(int64_t value, char *buf, size_t len)
{
	if (value == EVB_NA)
		buf[0] = '\0';
	else
		snprintf(buf, len, "%" PRId64, value);
	return buf;
}

const char *evb_axis_value(const struct evb_row *row, enum evb_axis_index i, char *buf,
			   size_t len)
{
#define AXIS_STR(name) return row->name;
#define AXIS_I64(name) return axis_i64(row->name, buf, len);
#define AXIS_CASE(kind, name, flag, slug, label) case EVB_AXIS_##name: AXIS_##kind(name)
	switch (i) {
	EVB_AXES(AXIS_CASE)
	case EVB_NAXES:
		break;
	}
#undef AXIS_CASE
#undef AXIS_I64
#undef AXIS_STR
	buf[0] = '\0';
	return buf;
}

const char *evb_mech_label(char *buf, size_t len, const char *mechanism, const char *variant)
{
	snprintf(buf, len, "%s%s%s", mechanism, variant[0] ? "/" : "", variant);
	return buf;
}

void evb_axes_label(const char *const *values, char *buf, size_t len)
{
	struct evb_sb sb;

	evb_sb_init(&sb, buf, len);
	for (size_t i = 0; i < EVB_NAXES; i++) {
		const char *label = evb_axes[i].label;
		bool join = label[0] == '/';

		if (!values[i][0])
			continue;
		evb_sb_printf(&sb, "%s%s%s", sb.used ? (join ? "/" : " ") : "", join ? "" : label,
			      values[i]);
	}
}

void evb_row_init(struct evb_row *row)
{
#define INIT_STR(name) row->name[0] = '\0';
#define INIT_REASON(name) row->name[0] = '\0';
#define INIT_I64(name) row->name = EVB_NA;
#define INIT_F64(name) row->name = NAN;
#define INIT(kind, name) INIT_##kind(name)
	EVB_ROW_COLUMNS(INIT)
#undef INIT
}

void evb_row_reason(struct evb_row *row, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(row->reason, sizeof(row->reason), fmt, ap);
	va_end(ap);
	/* A reason is one line of prose, whatever text it quotes. */
	for (char *c = row->reason; *c; c++)
		if (*c == '\n' || *c == '\r' || *c == '\t')
			*c = ' ';
}

int64_t evb_row_samples_for(double q)
{
	return (int64_t)ceil(10.0 / (1.0 - q) - 1e-9);
}

int64_t evb_row_quantile(const struct evb_hist *h, double q)
{
	if ((int64_t)h->count < evb_row_samples_for(q))
		return EVB_NA;
	return evb_hist_quantile(h, q);
}

void evb_row_set_hist(struct evb_row *row, const struct evb_hist *h)
{
	row->samples = (int64_t)h->count;
	if (h->count == 0)
		return;
	row->min = h->min;
	row->p50 = evb_row_quantile(h, 0.50);
	row->p90 = evb_row_quantile(h, 0.90);
	row->p99 = evb_row_quantile(h, 0.99);
	row->p999 = evb_row_quantile(h, 0.999);
	row->max = h->max;
	row->mean = h->mean;
	row->stddev = evb_hist_stddev(h);
}

void evb_row_set_hist_early(struct evb_row *row, const struct evb_hist *all,
			    const struct evb_hist *early)
{
	static const double qs[] = { 0.50, 0.90, 0.99, 0.999 };
	int64_t *cols[] = { &row->p50, &row->p90, &row->p99, &row->p999 };

	evb_row_set_hist(row, all);
	row->early = (int64_t)early->count;
	if (all->count == 0)
		return;
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++)
		*cols[i] = (int64_t)all->count < evb_row_samples_for(qs[i])
				   ? EVB_NA
				   : evb_hist_quantile_early(all, early, qs[i]);
}

int evb_row_count_fail(struct evb_row *row, const char *fmt, ...)
{
	va_list ap;

	if (strcmp(row->status, EVB_STATUS_OK) != 0 && row->status[0])
		return -EPROTO;
	evb_row_set(row, status, EVB_STATUS_FAILED);
	va_start(ap, fmt);
	vsnprintf(row->reason, sizeof(row->reason), fmt, ap);
	va_end(ap);
	return -EPROTO;
}

int evb_row_check_counts(struct evb_row *row, unsigned allowed)
{
	int64_t sent = row->sent, delivered = row->delivered, lost = row->lost;

	if (sent != EVB_NA && delivered != EVB_NA && delivered > sent)
		return evb_row_count_fail(row, "delivered %lld of %lld sent: more than sent",
					  (long long)delivered, (long long)sent);
	if (sent != EVB_NA && delivered != EVB_NA && lost != EVB_NA &&
	    lost != sent - delivered)
		return evb_row_count_fail(row, "lost %lld is not sent %lld - delivered %lld",
					  (long long)lost, (long long)sent,
					  (long long)delivered);
	if (lost != EVB_NA && lost > 0 && !(allowed & EVB_MAY_LOSE)) {
		if (sent == EVB_NA)
			return evb_row_count_fail(row, "lost %lld (the mechanism queues: nothing "
						  "may be lost)", (long long)lost);
		return evb_row_count_fail(row, "lost %lld of %lld sent (the mechanism queues: "
					  "nothing may be lost)", (long long)lost,
					  (long long)sent);
	}
	if (row->spurious != EVB_NA && row->spurious > 0 && !(allowed & EVB_MAY_SPURIOUS))
		return evb_row_count_fail(row, "spurious %lld: wakeups with nothing to take, "
					  "which the mechanism does not allow",
					  (long long)row->spurious);
	return 0;
}

int evb_row_write_header(FILE *out)
{
	for (int i = 0; i < EVB_ROW_NCOLS; i++)
		fprintf(out, "%s%s", i ? "," : "", evb_row_column_names[i]);
	fputc('\n', out);
	return fflush(out) == 0 ? 0 : -errno;
}

static void put_i64(FILE *out, int64_t value)
{
	if (value != EVB_NA)
		fprintf(out, "%" PRId64, value);
}

static void put_f64(FILE *out, double value)
{
	if (isfinite(value))
		fprintf(out, "%.10g", value);
}

int evb_row_write(FILE *out, const struct evb_row *row)
{
	int first = 1;

#define SEP() do { if (!first) fputc(',', out); first = 0; } while (0)
#define PUT_STR(name) SEP(); evb_csv_field(out, row->name);
#define PUT_REASON(name) PUT_STR(name)
#define PUT_I64(name) SEP(); put_i64(out, row->name);
#define PUT_F64(name) SEP(); put_f64(out, row->name);
#define PUT(kind, name) PUT_##kind(name)
	EVB_ROW_COLUMNS(PUT)
#undef PUT
#undef SEP
	fputc('\n', out);
	return fflush(out) == 0 ? 0 : -errno;
}

static int parse_i64_field(const char *text, int64_t *out)
{
	char *end;

	if (!*text) {
		*out = EVB_NA;
		return 0;
	}
	errno = 0;
	long long value = strtoll(text, &end, 10);

	if (*end || errno)
		return -EINVAL;
	*out = value;
	return 0;
}

static int parse_f64_field(const char *text, double *out)
{
	char *end;

	if (!*text) {
		*out = NAN;
		return 0;
	}
	errno = 0;
	*out = strtod(text, &end);
	return (*end || errno == ERANGE) ? -EINVAL : 0;
}

/* Set one column of row by index from text. */
static int set_column(struct evb_row *row, int col, const char *text)
{
	int i = 0;

#define SET_STR(name) if (i++ == col) { evb_row_set(row, name, text); return 0; }
#define SET_REASON(name) SET_STR(name)
#define SET_I64(name) if (i++ == col) return parse_i64_field(text, &row->name);
#define SET_F64(name) if (i++ == col) return parse_f64_field(text, &row->name);
#define SET(kind, name) SET_##kind(name)
	EVB_ROW_COLUMNS(SET)
#undef SET
	return -EINVAL;
}

int evb_row_parse(struct evb_row *row, char *const *fields, size_t nfields,
		  char *error, size_t error_len)
{
	evb_row_init(row);
	if (nfields != EVB_ROW_NCOLS) {
		snprintf(error, error_len, "%zu fields, the schema has %d", nfields,
			 EVB_ROW_NCOLS);
		return -EINVAL;
	}
	for (int col = 0; col < EVB_ROW_NCOLS; col++) {
		if (set_column(row, col, fields[col])) {
			snprintf(error, error_len, "column %s: '%.60s' is not a number",
				 evb_row_column_names[col], fields[col]);
			return -EINVAL;
		}
	}
	return 0;
}

int evb_row_parse_named(struct evb_row *row, char *const *header, char *const *fields,
			size_t nfields, char *error, size_t error_len)
{
	evb_row_init(row);
	for (size_t i = 0; i < nfields; i++) {
		int col = 0;

		while (evb_row_column_names[col] &&
		       strcmp(evb_row_column_names[col], header[i]) != 0)
			col++;
		if (!evb_row_column_names[col])
			continue;   /* a column from a newer schema: ignored */
		if (set_column(row, col, fields[i])) {
			snprintf(error, error_len, "column %s: '%.60s' is not a number",
				 header[i], fields[i]);
			return -EINVAL;
		}
	}
	return 0;
}
