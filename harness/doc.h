/*
 * doc.h - one writer, two documents: every call writes the same content to
 * report.html (self-contained: CSS inline, figures as SVG images in data:
 * URIs, no network) and to report.md (figures as PNG links, for pasting
 * elsewhere).
 */
#ifndef HARNESS_DOC_H
#define HARNESS_DOC_H

#include <stdio.h>

#include "rundir_fs.h"

struct doc {
	FILE *html;            /* where HTML goes now: html_file, or sink (doc_select) */
	FILE *md;
	FILE *html_file, *md_file;
	FILE *sink;            /* discards what a deselected document is given */
	const char *run_dir;   /* figures/ are read from here */
	int dirfd;             /* run_dir, opened once (rundir_fs.h) */
	struct harness_tmp html_tmp, md_tmp;
	int table_cols;
	int in_list;
	int dtable_cols;       /* doc_dtable's columns */
};

enum { DOC_HTML = 1, DOC_MD = 2, DOC_BOTH = DOC_HTML | DOC_MD };

/* Create RUN/report.html and report.md under temporary names
 * (harness_rundir_create_tmp); doc_close renames them in place.  0 or
 * -errno (evb_open_why says what a refusal means). */
int doc_open(struct doc *d, const char *run_dir, const char *title);
int doc_close(struct doc *d);

/* Write what follows to outputs only (DOC_HTML, DOC_MD, DOC_BOTH), until
 * the next doc_select. */
void doc_select(struct doc *d, unsigned outputs);

void doc_h(struct doc *d, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void doc_p(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The line under the title: what the document is about. */
void doc_lead(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A highlighted paragraph (warnings, an incomplete run). */
void doc_note(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A small paragraph under a table: what its figures rest on. */
void doc_trust(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void doc_item(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void doc_list_end(struct doc *d);

void doc_table(struct doc *d, int ncols, const char *const *headers);
void doc_row(struct doc *d, const char *const *cells);
void doc_table_end(struct doc *d);

/*
 * A table whose rows open onto detail (doc_block.c).  In HTML each row is a
 * <details> element, its <summary> the row's cells laid out as a table row,
 * and what is written between doc_drow and doc_drow_end (headings,
 * paragraphs, tables: escaped as everywhere) is the detail, in HTML only.
 * Markdown gets a plain table of the rows and nothing of the detail: write
 * it elsewhere, e.g. after doc_select(d, DOC_MD).
 */
void doc_dtable(struct doc *d, int ncols, const char *const *headers);
void doc_drow(struct doc *d, const char *const *cells);
void doc_drow_end(struct doc *d);
void doc_dtable_end(struct doc *d);

/* HTML: <div class="cls"> ... </div> around what follows (cls a fixed
 * word: "cards", "card"); Markdown: nothing. */
void doc_div(struct doc *d, const char *cls);
void doc_div_end(struct doc *d);

/* The CSS of doc_block.c's elements. */
extern const char doc_block_css[];

/* Text escaped for HTML, and for Markdown (cell: inside a table cell). */
void doc_html_escaped(FILE *f, const char *text);
void doc_md_escaped(FILE *f, const char *text, int cell);
/* A table cell's text in HTML: escaped, verdict words coloured. */
void doc_html_cell(FILE *f, const char *text);

/* figures/<name>.svg as an <img> whose src is a data: URI (HTML: the
 * browser runs no script an SVG image holds) and figures/<name>.png
 * (Markdown); a figure that was not drawn is skipped silently. */
void doc_figure(struct doc *d, const char *name, const char *caption);

#endif
