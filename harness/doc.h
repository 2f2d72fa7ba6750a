/*
 * doc.h - one writer, two documents: every call writes the same content to
 * report.html (self-contained: CSS inline, figures inlined as SVG, no
 * network) and to report.md (figures as PNG links, for pasting elsewhere).
 */
#ifndef HARNESS_DOC_H
#define HARNESS_DOC_H

#include <stdio.h>

struct doc {
	FILE *html;
	FILE *md;
	const char *run_dir;   /* figures/ are read from here */
	int table_cols;
	int in_list;
	int figures;           /* inlined so far: prefixes their SVG ids */
};

/* Open RUN/report.html.tmp and .md.tmp; doc_close renames them in place. */
int doc_open(struct doc *d, const char *run_dir, const char *title);
int doc_close(struct doc *d);

void doc_h(struct doc *d, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void doc_p(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A highlighted paragraph (warnings, an incomplete run). */
void doc_note(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A small paragraph under a table: what its figures rest on. */
void doc_trust(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void doc_item(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void doc_list_end(struct doc *d);

void doc_table(struct doc *d, int ncols, const char *const *headers);
void doc_row(struct doc *d, const char *const *cells);
void doc_table_end(struct doc *d);

/* figures/<name>.svg inline (HTML) and figures/<name>.png (Markdown); a
 * figure that was not drawn is skipped silently. */
void doc_figure(struct doc *d, const char *name, const char *caption);

#endif
