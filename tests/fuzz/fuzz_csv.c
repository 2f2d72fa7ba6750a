/*
 * fuzz_csv.c - the CSV reader (bench/evb_csv.c) on any input: as a driver's
 * output line (a string), as records read from a stream, and as a table
 * loaded from a file, strictly and with a cut-off last line accepted.
 * Every field of what loads is read back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evb_csv.h"
#include "fuzz.h"

static size_t touch_table(const struct evb_table *t)
{
	size_t sum = 0;

	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->header.nfields; c++)
			sum += strlen(evb_table_get(t, r, (int)c));
	return sum + (size_t)(evb_table_col(t, "status") + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = fz_setup();
	struct evb_csv_record rec = { 0 };
	struct evb_csv_reader r;
	char error[256], path[4096], *text = malloc(size + 1);
	struct evb_table t;
	FILE *in;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (evb_csv_parse_line(text, &rec, error, sizeof(error)) > 0 && rec.nfields)
		(void)strlen(rec.fields[rec.nfields - 1]);
	in = fmemopen(text, size ? size : 1, "r");
	if (in) {
		evb_csv_reader_init(&r, in, "mem");
		while (evb_csv_read(&r, &rec) > 0)
			(void)strlen(rec.fields[0]);
		fclose(in);
	}
	evb_csv_record_free(&rec);
	free(text);

	fz_write(dir, "t.csv", data, size);
	snprintf(path, sizeof(path), "%s/t.csv", dir);
	if (evb_table_load(&t, path) == 0) {
		touch_table(&t);
		evb_table_free(&t);
	}
	if (evb_table_load_cut(&t, path) == 0) {
		touch_table(&t);
		evb_table_free(&t);
	}
	return 0;
}
