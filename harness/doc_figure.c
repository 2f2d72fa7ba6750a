/* doc_figure.c - a figure in both documents: its SVG inlined in report.html,
 * its PNG linked from report.md; see doc.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"

/*
 * Several gnuplot SVGs in one page share element ids (clip paths, point
 * symbols); give each figure's ids, and the references to them, a prefix.
 */
static void write_svg_prefixed(FILE *f, const char *svg, int n)
{
	static const char *const refs[] = { "id=\"", "id='", "url(#", "href=\"#", "href='#",
					    NULL };

	while (*svg) {
		int matched = 0;

		for (int i = 0; refs[i]; i++) {
			size_t len = strlen(refs[i]);

			if (strncmp(svg, refs[i], len) == 0) {
				fprintf(f, "%sf%d_", refs[i], n);
				svg += len;
				matched = 1;
				break;
			}
		}
		if (!matched)
			fputc(*svg++, f);
	}
}

void doc_figure(struct doc *d, const char *name, const char *caption)
{
	char path[4200];
	FILE *svg;
	char *buf;
	long len;

	char error[300];

	snprintf(path, sizeof(path), "figures/%s.svg", name);
	svg = harness_rundir_read_file(d->dirfd, path, error, sizeof(error));
	if (!svg) {
		if (errno != ENOENT)   /* a link or FIFO in its place: said, not inlined */
			fprintf(stderr, "evbench: %s: %s\n", d->run_dir, error);
		return;
	}
	fseek(svg, 0, SEEK_END);
	len = ftell(svg);
	rewind(svg);
	buf = malloc((size_t)len + 1);
	if (!buf || fread(buf, 1, (size_t)len, svg) != (size_t)len) {
		free(buf);
		fclose(svg);
		return;
	}
	buf[len] = '\0';
	fclose(svg);

	/* Inline from the <svg element on: the XML prolog and doctype cannot
	 * stand inside HTML. */
	const char *start = strstr(buf, "<svg");

	fputs("<figure>", d->html);
	write_svg_prefixed(d->html, start ? start : "", ++d->figures);
	fputs("<figcaption>", d->html);
	doc_html_escaped(d->html, caption);
	fprintf(d->html, " (<a href=\"figures/%s.png\">PNG</a>, <a href=\"figures/%s.svg\">SVG</a>)"
			 "</figcaption></figure>\n", name, name);
	fputs("![", d->md);
	doc_md_escaped(d->md, caption, 0);
	fprintf(d->md, "](figures/%s.png)\n\n*", name);
	doc_md_escaped(d->md, caption, 0);
	fputs("*\n\n", d->md);
	free(buf);
}
