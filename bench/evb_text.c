/* evb_text.c - text from elsewhere made printable; see evb_text.h. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evb_text.h"

size_t evb_text_char(const char *text, size_t len, bool *shown)
{
	const unsigned char *s = (const unsigned char *)text;
	uint32_t cp, min;
	size_t n;

	*shown = false;
	if (s[0] < 0x80) {
		*shown = s[0] >= 0x20 && s[0] != 0x7f;
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2, cp = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3, cp = s[0] & 0x0f, min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4, cp = s[0] & 0x07, min = 0x10000;
	} else {
		return 1;   /* a continuation byte alone, 0xc0, 0xc1, 0xf5 and up */
	}
	for (size_t i = 1; i < n; i++) {
		if (i >= len)
			return 0;
		if ((s[i] & 0xc0) != 0x80)
			return 1;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 1;   /* overlong, beyond Unicode, a surrogate: not UTF-8 */
	*shown = cp >= 0xa0;
	return n;
}

void evb_printable(char *text)
{
	size_t len = strlen(text), in = 0, out = 0;

	while (in < len) {
		bool shown;
		size_t n = evb_text_char(text + in, len - in, &shown);

		if (!n)
			n = 1;   /* the text ends inside a sequence: not UTF-8 */
		if (shown)
			memmove(text + out, text + in, n), out += n;
		else
			text[out++] = '?';
		in += n;
	}
	text[out] = '\0';
}

/* A stream's filter: its descriptor, and the start of a sequence that the
 * last write ended inside. */
struct filter {
	int fd;
	char pending[4];
	size_t npending;
};

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Filter data into f->fd; a sequence cut at the end waits in f->pending. */
static int filter_out(struct filter *f, const char *data, size_t len)
{
	char out[4096];
	size_t nout = 0, in = 0;

	while (in < len) {
		bool shown;
		size_t n = evb_text_char(data + in, len - in, &shown);

		if (!n) {
			memcpy(f->pending, data + in, len - in);
			f->npending = len - in;
			break;
		}
		if (nout + n > sizeof(out)) {
			if (write_all(f->fd, out, nout))
				return -1;
			nout = 0;
		}
		if (shown || data[in] == '\n' || data[in] == '\t')
			memcpy(out + nout, data + in, n), nout += n;
		else
			out[nout++] = '?';
		in += n;
	}
	return write_all(f->fd, out, nout);
}

static ssize_t filter_write(void *cookie, const char *buf, size_t size)
{
	struct filter *f = cookie;
	int ret;

	if (!f->npending) {
		ret = filter_out(f, buf, size);
	} else {
		/* Rare: a sequence split across writes. */
		char *joined = malloc(f->npending + size);

		if (!joined)
			return -1;
		size_t njoined = f->npending + size;

		memcpy(joined, f->pending, f->npending);
		memcpy(joined + f->npending, buf, size);
		f->npending = 0;
		ret = filter_out(f, joined, njoined);
		free(joined);
	}
	return ret ? -1 : (ssize_t)size;
}

static int filter_close(void *cookie)
{
	struct filter *f = cookie;

	return f->npending ? write_all(f->fd, "?", 1) : 0;
}

static FILE *filter_open(struct filter *f, int fd)
{
	static const cookie_io_functions_t io = { .write = filter_write, .close = filter_close };

	*f = (struct filter){ .fd = fd };
	return fopencookie(f, "w", io);
}

int evb_printable_stdio(void)
{
	/* The standard streams' filters live as long as the process. */
	static struct filter out_filter, err_filter;
	FILE *out, *err;

	fflush(stdout);
	fflush(stderr);
	out = filter_open(&out_filter, STDOUT_FILENO);
	if (!out)
		return -errno;
	err = filter_open(&err_filter, STDERR_FILENO);
	if (!err) {
		int ret = -errno;

		fclose(out);
		return ret;
	}
	setvbuf(out, NULL, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, BUFSIZ);
	setvbuf(err, NULL, _IONBF, 0);
	stdout = out;
	stderr = err;
	return 0;
}
