/*
 * evb_text.h - text from elsewhere (a run directory's labels and env.csv, a
 * lock file, a guest) made printable, in one place.  A character may be
 * shown when it is printable ASCII or a valid UTF-8 sequence for a code
 * point from U+00A0 up; C0 controls, DEL, the C1 controls U+0080-U+009F
 * (in UTF-8, or as raw bytes 0x80-0x9f, which are not UTF-8) and every
 * byte that is not part of a valid sequence may not: a terminal could take
 * them for an escape sequence (ESC, or the single-byte CSI 0x9b).
 *
 * evb_text_char decides for one character; evb_printable applies it to one
 * string in place; evb_printable_stdio puts every byte the program writes
 * to stdout and stderr through it, so no path that prints data can forget.
 */
#ifndef EVB_TEXT_H
#define EVB_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The character at text[0 .. len), len >= 1: its length in bytes, and in
 * *shown whether it may be shown.  A byte that does not start a valid
 * sequence is a character of length 1, not shown; a valid sequence of a
 * C1 control is one character, not shown.  0 when text ends inside a
 * sequence that more bytes could still complete.
 */
size_t evb_text_char(const char *text, size_t len, bool *shown);

/*
 * Every character of text that may not be shown (line breaks and tabs
 * included: for one-line text such as a label) replaced by '?', in place.
 */
void evb_printable(char *text);

/*
 * From here on, stdout and stderr write through evb_text_char: what may
 * not be shown becomes '?', except line breaks and tabs.  stderr is
 * unbuffered, stdout line-buffered on a terminal and buffered otherwise,
 * as before.  0 or -errno (the streams are then unchanged).
 */
int evb_printable_stdio(void);

#endif
