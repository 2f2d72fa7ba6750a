/* evb_sb.c - the bounded string builder; see evb_sb.h. */
#include <stdio.h>
#include <string.h>

#include "evb_sb.h"

/*
 * The text filled the buffer and more was asked for: end it in the mark,
 * cut before it at a character boundary (never inside a UTF-8 sequence),
 * and stop taking text.
 */
static void cut(struct evb_sb *sb)
{
	size_t room, keep, mark = strlen(EVB_SB_MARK);

	sb->truncated = true;
	if (!sb->len)
		return;
	room = sb->len - 1;
	keep = room > mark ? room - mark : 0;
	if (keep > sb->used)
		keep = sb->used;
	while (keep > 0 && ((unsigned char)sb->buf[keep] & 0xc0) == 0x80)
		keep--;
	if (mark > room - keep)
		mark = room - keep;
	memcpy(sb->buf + keep, EVB_SB_MARK, mark);
	sb->used = keep + mark;
	sb->buf[sb->used] = '\0';
}

void evb_sb_init(struct evb_sb *sb, char *buf, size_t len)
{
	*sb = (struct evb_sb){ .buf = buf, .len = len };
	if (len)
		buf[0] = '\0';
}

void evb_sb_resume(struct evb_sb *sb, char *buf, size_t len)
{
	*sb = (struct evb_sb){ .buf = buf, .len = len };
	if (!len)
		return;
	sb->used = strnlen(buf, len);
	if (sb->used == len) {
		sb->used = len - 1;
		cut(sb);
	}
}

void evb_sb_puts(struct evb_sb *sb, const char *text)
{
	size_t n;

	if (!text || sb->truncated)
		return;
	if (!sb->len) {
		sb->truncated = *text != '\0';
		return;
	}
	n = strlen(text);
	if (n < sb->len - sb->used) {
		memcpy(sb->buf + sb->used, text, n + 1);
		sb->used += n;
		return;
	}
	n = sb->len - 1 - sb->used;
	memcpy(sb->buf + sb->used, text, n);
	sb->used += n;
	sb->buf[sb->used] = '\0';
	cut(sb);
}

void evb_sb_putc(struct evb_sb *sb, char ch)
{
	char text[2] = { ch, '\0' };

	evb_sb_puts(sb, text);
}

void evb_sb_vprintf(struct evb_sb *sb, const char *fmt, va_list ap)
{
	size_t avail;
	int n;

	if (sb->truncated)
		return;
	if (!sb->len) {
		sb->truncated = true;
		return;
	}
	avail = sb->len - sb->used;
	n = vsnprintf(sb->buf + sb->used, avail, fmt, ap);
	if (n >= 0 && (size_t)n < avail) {
		sb->used += (size_t)n;
		return;
	}
	if (n < 0)
		sb->buf[sb->used] = '\0';
	else
		sb->used = sb->len - 1;
	cut(sb);
}

void evb_sb_printf(struct evb_sb *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	evb_sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

bool evb_sb_fmt(char *buf, size_t len, const char *fmt, ...)
{
	struct evb_sb sb;
	va_list ap;

	evb_sb_init(&sb, buf, len);
	va_start(ap, fmt);
	evb_sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	return sb.truncated;
}
