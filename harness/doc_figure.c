/* doc_figure.c - a figure in both documents: its SVG embedded in report.html
 * as an image, its PNG linked from report.md; see doc.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"

/*
 * The SVG as the base64 of a data: URI.  A figure may have come with the
 * run directory (report never redraws it), so it is data like any label:
 * shown through <img>, an SVG is an image to the browser, which runs none
 * of its script or event handlers and fetches nothing it names, where the
 * same SVG inlined into the page would run them.
 */
static void write_base64(FILE *f, const unsigned char *data, size_t len)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < len; i += 3) {
		unsigned long group = (unsigned long)data[i] << 16;
		size_t n = len - i < 3 ? len - i : 3;

		if (n > 1)
			group |= (unsigned long)data[i + 1] << 8;
		if (n > 2)
			group |= data[i + 2];
		fputc(digits[(group >> 18) & 63], f);
		fputc(digits[(group >> 12) & 63], f);
		fputc(n > 1 ? digits[(group >> 6) & 63] : '=', f);
		fputc(n > 2 ? digits[group & 63] : '=', f);
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
		if (errno != ENOENT)   /* a link or FIFO in its place: said, not embedded */
			fprintf(stderr, "evbench: %s: %s\n", d->run_dir, error);
		return;
	}
	if (fseek(svg, 0, SEEK_END) || (len = ftell(svg)) < 0) {
		fclose(svg);
		return;
	}
	rewind(svg);
	buf = malloc((size_t)len + 1);
	if (!buf || fread(buf, 1, (size_t)len, svg) != (size_t)len) {
		free(buf);
		fclose(svg);
		return;
	}
	fclose(svg);

	fputs("<figure><img alt=\"", d->html);
	doc_html_escaped(d->html, caption);
	fputs("\" src=\"data:image/svg+xml;base64,", d->html);
	write_base64(d->html, (const unsigned char *)buf, (size_t)len);
	fputs("\"><figcaption>", d->html);
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
