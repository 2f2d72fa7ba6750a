/* doc.c - HTML + Markdown writer for the report; see doc.h. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doc.h"
#include "evb_text.h"

static const char css[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1180px;"
	"margin:2em auto;padding:0 1em;color:#222;line-height:1.45}"
	"h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;"
	"margin-top:2em}h3{margin-top:1.5em}"
	"table{border-collapse:collapse;margin:1em 0;font-size:.88em}"
	"th,td{border:1px solid #ccc;padding:.25em .55em;text-align:left;vertical-align:top}"
	"th{background:#f0f0f0}td.n{text-align:right;white-space:nowrap}"
	"tr:nth-child(even) td{background:#fafafa}"
	".note{background:#fff4e5;border-left:4px solid #f0a030;padding:.5em .8em;margin:1em 0}"
	"figure{margin:1.2em 0}figure img{max-width:100%;height:auto}"
	"figcaption{font-size:.9em;color:#555}"
	".holds{color:#1a7f37;font-weight:600}.fails{color:#c62828;font-weight:600}"
	".na{color:#777}.inc{color:#9a6700;font-weight:600}code{background:#f3f3f3;padding:0 .2em}"
	"p.trust{font-size:.85em;color:#555;margin-top:-.5em}";

/*
 * The next character of text, when evb_text_char says it may be shown;
 * else a space for what may not be (controls, C1, bytes that are not
 * UTF-8; a line break too, so that no text starts a block of its own).
 * Its length; *ch gets its first byte, or ' '.
 */
static size_t shown_char(FILE *f, const char *text, unsigned char *ch)
{
	bool shown;
	size_t n = evb_text_char(text, strnlen(text, 4), &shown);

	if (!n)
		n = 1;   /* the text ends inside a sequence: not UTF-8 */
	*ch = shown ? (unsigned char)*text : ' ';
	if (shown && n > 1)
		fwrite(text, 1, n, f);
	return n;
}

void doc_html_escaped(FILE *f, const char *text)
{
	while (*text) {
		unsigned char ch;
		size_t n = shown_char(f, text, &ch);

		text += n;
		if (n > 1)
			continue;
		switch (ch) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(ch, f);
		}
	}
}

/*
 * Markdown text that stays text, whatever a label holds: '<' before a
 * letter, '/', '!' or '?' (raw HTML, an autolink), ']' before '(' (a link
 * or image), every '\\', a '#' at the start and, in a table cell, '|' are
 * backslash-escaped; line breaks and every other character that may not be
 * shown (evb_text_char: controls, C1, bytes that are not UTF-8) become
 * spaces, so no label starts a block of its own or reaches a terminal that
 * shows the file as an escape sequence.
 */
void doc_md_escaped(FILE *f, const char *text, int cell)
{
	if (*text == '#')
		fputc('\\', f);
	while (*text) {
		unsigned char ch, next = (unsigned char)text[1];
		size_t n = shown_char(f, text, &ch);

		text += n;
		if (n > 1)
			continue;
		if (ch == '\\' || (ch == '|' && cell) || (ch == ']' && next == '(') ||
		    (ch == '<' && (isalpha(next) || next == '/' || next == '!' || next == '?')))
			fputc('\\', f);
		fputc(ch, f);
	}
}

static char *vformat(const char *fmt, va_list ap)
{
	char *text;

	if (vasprintf(&text, fmt, ap) < 0)
		return NULL;
	return text;
}

void doc_html_cell(FILE *f, const char *text)
{
	const char *cls = !strncmp(text, "holds", 5) ? "holds"
			: !strncmp(text, "does not hold", 13) ? "fails"
			: !strncmp(text, "not measured", 12) ? "na"
			: !strncmp(text, "inconclusive", 12) ? "inc" : NULL;

	if (cls)
		fprintf(f, "<span class=\"%s\">", cls);
	doc_html_escaped(f, text);
	if (cls)
		fputs("</span>", f);
}

/* Where a document deselected by doc_select writes: nowhere. */
static ssize_t discard(void *cookie, const char *buf, size_t size)
{
	(void)cookie;
	(void)buf;
	return (ssize_t)size;
}

int doc_open(struct doc *d, const char *run_dir, const char *title)
{
	static const cookie_io_functions_t sink_io = { .write = discard };
	char error[PATH_MAX + 200];
	int ret;

	memset(d, 0, sizeof(*d));
	d->run_dir = run_dir;
	d->dirfd = harness_rundir_open(run_dir, error, sizeof(error));
	if (d->dirfd < 0) {
		ret = d->dirfd;
		goto err;
	}
	ret = harness_rundir_create_tmp(&d->html_tmp, d->dirfd, "report.html", error,
					sizeof(error));
	if (ret)
		goto err_close_dir;
	ret = harness_rundir_create_tmp(&d->md_tmp, d->dirfd, "report.md", error, sizeof(error));
	if (ret)
		goto err_discard_html;
	d->sink = fopencookie(NULL, "w", sink_io);
	if (!d->sink) {
		ret = -errno;
		goto err_discard_md;
	}
	d->html = d->html_file = d->html_tmp.f;
	d->md = d->md_file = d->md_tmp.f;
	fprintf(d->html, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			 "<title>");
	doc_html_escaped(d->html, title);
	fprintf(d->html, "</title><style>%s%s</style></head><body>\n", css, doc_block_css);
	return 0;
err_discard_md:
	harness_rundir_discard(&d->md_tmp);
err_discard_html:
	harness_rundir_discard(&d->html_tmp);
err_close_dir:
	close(d->dirfd);
err:
	return ret;
}

void doc_select(struct doc *d, unsigned outputs)
{
	d->html = outputs & DOC_HTML ? d->html_file : d->sink;
	d->md = outputs & DOC_MD ? d->md_file : d->sink;
}

int doc_close(struct doc *d)
{
	char error[PATH_MAX + 200];
	int ret;

	fputs("</body></html>\n", d->html_file);
	fclose(d->sink);
	ret = harness_rundir_commit(&d->html_tmp, error, sizeof(error));
	if (ret)
		harness_rundir_discard(&d->md_tmp);
	else
		ret = harness_rundir_commit(&d->md_tmp, error, sizeof(error));
	close(d->dirfd);
	return ret;
}

void doc_h(struct doc *d, int level, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = vformat(fmt, ap);
	va_end(ap);
	if (!text)
		return;
	fprintf(d->html, "<h%d>", level);
	doc_html_escaped(d->html, text);
	fprintf(d->html, "</h%d>\n", level);
	fprintf(d->md, "\n%.*s ", level, "######");
	doc_md_escaped(d->md, text, 0);
	fputs("\n\n", d->md);
	free(text);
}

static void paragraph(struct doc *d, const char *cls, const char *fmt, va_list ap)
{
	char *text = vformat(fmt, ap);

	if (!text)
		return;
	fprintf(d->html, cls ? "<p class=\"%s\">" : "<p>", cls);
	doc_html_escaped(d->html, text);
	fputs("</p>\n", d->html);
	if (cls && !strcmp(cls, "note"))
		fputs("> **Note:** ", d->md);
	doc_md_escaped(d->md, text, 0);
	fputs("\n\n", d->md);
	free(text);
}

void doc_p(struct doc *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	paragraph(d, NULL, fmt, ap);
	va_end(ap);
}

void doc_trust(struct doc *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	paragraph(d, "trust", fmt, ap);
	va_end(ap);
}

void doc_lead(struct doc *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	paragraph(d, "ident", fmt, ap);
	va_end(ap);
}

void doc_note(struct doc *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	paragraph(d, "note", fmt, ap);
	va_end(ap);
}

void doc_item(struct doc *d, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = vformat(fmt, ap);
	va_end(ap);
	if (!text)
		return;
	if (!d->in_list)
		fputs("<ul>\n", d->html);
	d->in_list = 1;
	fputs("<li>", d->html);
	doc_html_escaped(d->html, text);
	fputs("</li>\n", d->html);
	fputs("- ", d->md);
	doc_md_escaped(d->md, text, 0);
	fputc('\n', d->md);
	free(text);
}

void doc_list_end(struct doc *d)
{
	if (d->in_list)
		fputs("</ul>\n", d->html);
	d->in_list = 0;
	fputc('\n', d->md);
}

void doc_table(struct doc *d, int ncols, const char *const *headers)
{
	d->table_cols = ncols;
	fputs("<table><thead><tr>", d->html);
	fputc('\n', d->md);
	for (int i = 0; i < ncols; i++) {
		fputs("<th>", d->html);
		doc_html_escaped(d->html, headers[i]);
		fputs("</th>", d->html);
		fputs("| ", d->md);
		doc_md_escaped(d->md, headers[i], 1);
		fputc(' ', d->md);
	}
	fputs("</tr></thead><tbody>\n", d->html);
	fputs("|\n", d->md);
	for (int i = 0; i < ncols; i++)
		fputs(i ? "|---:" : "|:---", d->md);
	fputs("|\n", d->md);
}

void doc_row(struct doc *d, const char *const *cells)
{
	fputs("<tr>", d->html);
	for (int i = 0; i < d->table_cols; i++) {
		const char *text = cells[i] ? cells[i] : "";
		int numeric = (text[0] >= '0' && text[0] <= '9') ||
			      ((text[0] == '-' || text[0] == '+') && (text[1] == '\0' ||
			       (text[1] >= '0' && text[1] <= '9')));

		fputs(numeric && i ? "<td class=\"n\">" : "<td>", d->html);
		doc_html_cell(d->html, cells[i] ? cells[i] : "");
		fputs("</td>", d->html);
		fputs("| ", d->md);
		doc_md_escaped(d->md, cells[i] ? cells[i] : "", 1);
		fputc(' ', d->md);
	}
	fputs("</tr>\n", d->html);
	fputs("|\n", d->md);
}

void doc_table_end(struct doc *d)
{
	fputs("</tbody></table>\n", d->html);
	fputc('\n', d->md);
}
