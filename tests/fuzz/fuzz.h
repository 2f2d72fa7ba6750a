/*
 * fuzz.h - what the libFuzzer targets of tests/fuzz share (prefix fz_).
 * Each target writes its input as files into a run directory of its own
 * and calls the code that reads them in-process: the CSV reader
 * (fuzz_csv.c), loading a run directory and summarising it (fuzz_load.c),
 * `evbench report` (fuzz_report.c) and `evbench compare` (fuzz_compare.c).
 * Built by -DEVB_FUZZ=ON with clang; docs/testing.md says how to run them.
 */
#ifndef EVB_FUZZ_H
#define EVB_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* One input split at form feeds ('\f') into at most FZ_MAX_PARTS files. */
#define FZ_MAX_PARTS 6
struct fz_parts {
	const uint8_t *at[FZ_MAX_PARTS];
	size_t len[FZ_MAX_PARTS];
	size_t n;
};
void fz_split(const uint8_t *data, size_t size, struct fz_parts *parts);

/* Once per process: stdout to /dev/null, no gnuplot on PATH, and a new
 * temporary directory whose path is returned. */
const char *fz_setup(void);
/* dir/name holding data (len bytes); dir made when missing. */
void fz_write(const char *dir, const char *name, const uint8_t *data, size_t len);
/* A directory's files and subdirectories removed, itself kept. */
void fz_empty(const char *dir);
/* A command's entry called as from main: argv[0] is the command's name. */
int fz_command(int (*fn)(int argc, char **argv), const char *const *argv);

#endif
