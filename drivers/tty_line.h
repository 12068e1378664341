/*
 * The console's line discipline, as a Linux terminal in canonical mode does
 * it (ICANON, ECHO, ICRNL): input bytes are collected into a line the user
 * can edit, and a read gets a line only once it is finished. Pure logic (no
 * locks, no hardware): fs/console_file.c holds it under its lock, and
 * tests/host/test_tty_line.c tests it.
 *
 * Keys: Enter ('\r', made '\n') or '\n' ends a line; Backspace (DEL or ^H)
 * erases the last byte of the unfinished line; ^U erases all of it; ^D ends
 * the line without adding a byte, so ^D on an empty line reads as end of
 * file (a read returns 0). No signal keys (^C is an ordinary byte).
 */
#ifndef DRIVERS_TTY_LINE_H
#define DRIVERS_TTY_LINE_H

#include <stdbool.h>
#include <stddef.h>

#define TTY_LINE_BUF 1024 /* bytes of finished and unfinished input kept */
#define TTY_ECHO_MAX 3    /* bytes of echo one input byte may produce */

/*
 * buf[0, done) holds finished lines, each ending in '\n' or in the end-of-
 * file mark (a ^D byte, which reads never return); buf[done, len) is the
 * line being typed. Zero-initialized is empty.
 */
struct tty_line {
    char buf[TTY_LINE_BUF];
    size_t len;
    size_t done;
};

/*
 * Takes one input byte; writes what the terminal must echo into echo[] and
 * returns its length (0..TTY_ECHO_MAX). When the buffer is full, bytes are
 * dropped, except the ones that finish a line while there is room for them.
 */
size_t tty_line_input(struct tty_line *t, char c, char echo[TTY_ECHO_MAX]);

/* True if a read would return now: a finished line (or end of file) waits. */
bool tty_line_readable(const struct tty_line *t);

/*
 * Takes up to n bytes of the first finished line into dst, stopping after
 * its '\n' (the rest of a longer line stays for the next read). Returns the
 * count; 0 when the line is the end-of-file mark (which it consumes) or
 * when nothing is readable.
 */
size_t tty_line_take(struct tty_line *t, char *dst, size_t n);

#endif
