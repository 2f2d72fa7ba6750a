/*
 * doc_block.c - the report's blocks beyond headings, paragraphs and tables
 * (see doc.h): a table whose rows open onto detail, and HTML-only boxes
 * that lay the first screen out in cards.  The Markdown side of a detail
 * table is doc.c's plain table, written with HTML deselected.
 */
#include <stdio.h>

#include "doc.h"

const char doc_block_css[] =
	".dt{margin:1em 0;font-size:.88em;border:1px solid #ccc;border-top:0}"
	".dt .dh,.dt summary{display:grid;grid-template-columns:var(--dt-cols)}"
	".dt .dh>span,.dt summary>span{padding:.25em .55em;border-top:1px solid #ccc}"
	".dt .dh>span+span,.dt summary>span+span{border-left:1px solid #ccc}"
	".dt .dh{background:#f0f0f0;font-weight:600}"
	".dt summary{cursor:pointer;list-style:none}"
	".dt summary::-webkit-details-marker{display:none}"
	".dt summary:hover{background:#f6f8fa}"
	".dt summary>span:first-child::before{content:'\\25B8\\00A0';color:#888}"
	".dt details[open]>summary>span:first-child::before{content:'\\25BE\\00A0'}"
	".dt .dd{padding:.2em 1em .6em 1.6em;border-top:1px dashed #ccc;background:#fcfcfc}"
	".dt .dd table{font-size:1em}"
	".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(270px,1fr));gap:.8em;"
	"margin:.8em 0}"
	".card{border:1px solid #ddd;border-radius:4px;padding:.1em .6em;font-size:.82em;"
	"line-height:1.3}"
	".card h3{margin:.3em 0 .1em;font-size:1.1em}.card p{margin:.3em 0}"
	".card figure{margin:.1em 0}.card figure svg{max-height:130px;width:100%}"
	".card figcaption{font-size:.85em}.card ul{padding-left:1.1em;margin:.2em 0}"
	"p.ident+h2,h1+.note+h2,div.cards+h2{margin-top:.7em}p.ident{margin:.2em 0 .4em;color:#444}";

/* The columns' widths: the first (the claim) twice the others. */
static void grid_columns(FILE *f, int ncols)
{
	fprintf(f, " style=\"--dt-cols:minmax(0,2.2fr) repeat(%d,minmax(0,1fr))\"",
		ncols > 1 ? ncols - 1 : 1);
}

void doc_dtable(struct doc *d, int ncols, const char *const *headers)
{
	doc_select(d, DOC_MD);
	doc_table(d, ncols, headers);
	doc_select(d, DOC_BOTH);
	d->dtable_cols = ncols;
	fputs("<div class=\"dt\"><div class=\"dh\"", d->html);
	grid_columns(d->html, ncols);
	fputc('>', d->html);
	for (int i = 0; i < ncols; i++) {
		fputs("<span>", d->html);
		doc_html_escaped(d->html, headers[i]);
		fputs("</span>", d->html);
	}
	fputs("</div>\n", d->html);
}

void doc_drow(struct doc *d, const char *const *cells)
{
	/* a detail's own tables changed table_cols */
	d->table_cols = d->dtable_cols;
	doc_select(d, DOC_MD);
	doc_row(d, cells);
	doc_select(d, DOC_HTML);
	fputs("<details><summary", d->html);
	grid_columns(d->html, d->dtable_cols);
	fputc('>', d->html);
	for (int i = 0; i < d->dtable_cols; i++) {
		fputs("<span>", d->html);
		doc_html_cell(d->html, cells[i] ? cells[i] : "");
		fputs("</span>", d->html);
	}
	fputs("</summary><div class=\"dd\">\n", d->html);
}

void doc_drow_end(struct doc *d)
{
	fputs("</div></details>\n", d->html);
	doc_select(d, DOC_BOTH);
}

void doc_dtable_end(struct doc *d)
{
	doc_select(d, DOC_MD);
	doc_table_end(d);
	doc_select(d, DOC_BOTH);
	fputs("</div>\n", d->html);
}

void doc_div(struct doc *d, const char *cls)
{
	fprintf(d->html, "<div class=\"%s\">\n", cls);
}

void doc_div_end(struct doc *d)
{
	fputs("</div>\n", d->html);
}
