/*
 * evb_sb.h - a bounded string builder: the one way evbench assembles text
 * piecewise into a fixed buffer (a table cell, a list of names, a command
 * line shown to the reader).  Every append is bounded by the buffer; the
 * text stays NUL-terminated whatever was appended; text that does not fit
 * is cut at a UTF-8 character boundary and ends in a visible mark ("..."),
 * and the builder remembers that it cut (.truncated) for callers that must
 * refuse a cut text rather than show it.  No caller computes `len - used`.
 *
 *	char cell[64];
 *	struct evb_sb sb;
 *
 *	evb_sb_init(&sb, cell, sizeof(cell));
 *	evb_sb_printf(&sb, "%.3g", value);
 *	evb_sb_puts(&sb, ", client-bound");
 */
#ifndef EVB_SB_H
#define EVB_SB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct evb_sb {
	char *buf;
	size_t len;        /* bytes of buf, the terminator included */
	size_t used;       /* bytes of text in buf, the terminator excluded */
	bool truncated;    /* an append did not fit: buf ends in EVB_SB_MARK */
};

/* What a cut text ends in. */
#define EVB_SB_MARK "..."

/* Build into buf (len bytes, len may be 0), starting empty. */
void evb_sb_init(struct evb_sb *sb, char *buf, size_t len);
/* Build into buf, appending to the NUL-terminated text it holds already. */
void evb_sb_resume(struct evb_sb *sb, char *buf, size_t len);

/* Append text (NULL: nothing); a character; printf-formatted text. */
void evb_sb_puts(struct evb_sb *sb, const char *text);
void evb_sb_putc(struct evb_sb *sb, char ch);
void evb_sb_printf(struct evb_sb *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void evb_sb_vprintf(struct evb_sb *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * buf = the formatted text, cut with the mark when it does not fit: the
 * one-piece form, for text shown to a reader (a table cell, a value with
 * its unit).  Returns true when it cut.  A path or a name that must never
 * be cut is evb_fmt's (evb_sys.h), which refuses instead.
 */
bool evb_sb_fmt(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
